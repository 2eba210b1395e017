//! The learner's file: names every environment variable it can see.

/// The variables' names, comma-separated.
pub fn answer() -> String {
    let mut names: Vec<String> = std::env::vars_os()
        .map(|(name, _)| name.to_string_lossy().into_owned())
        .collect();
    names.sort();
    names.join(",")
}
