//! Names and labels: checks that an exercise name can be a package name,
//! and derives the label `03/01` from the folder `03_threads/01_download`.

/// Checks that an exercise name can be a cargo package and a binary name.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "exercise name `{name}` must start with a lowercase letter and use only a-z, 0-9 and _"
        ))
    }
}

/// The label of an exercise folder: `03_threads/01_download` gives `03/01`.
pub fn label_of(dir: &str) -> Result<String, String> {
    let parts: Vec<&str> = dir.split('/').collect();
    if parts.len() != 2 {
        return Err(format!(
            "dir `{dir}` must have two parts, like `03_threads/01_download`"
        ));
    }
    let numbers = parts
        .iter()
        .map(|part| {
            let (number, rest) = part.split_once('_').unwrap_or((part, ""));
            if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) || rest.is_empty()
            {
                Err(format!(
                    "`{part}` in dir `{dir}` must start with a number and an underscore, like `03_threads`"
                ))
            } else {
                Ok(number)
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(numbers.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_come_from_numeric_prefixes() {
        assert_eq!(label_of("01_why/02_profile").unwrap(), "01/02");
        assert_eq!(label_of("10_async/12_select_loop").unwrap(), "10/12");
        assert!(label_of("threads/01_download").is_err());
        assert!(label_of("03_threads").is_err());
        assert!(label_of("03_threads/01_x/extra").is_err());
        assert!(label_of("03_threads/01").is_err());
    }

    #[test]
    fn names_must_suit_cargo() {
        assert!(check_name("lost_updates").is_ok());
        assert!(check_name("Lost-Updates").is_err());
        assert!(check_name("1st").is_err());
    }
}
