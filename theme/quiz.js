// Marks the course's quizzes (rendered by the book crate's quiz
// preprocessor) in the browser. Nothing is stored or sent anywhere.
(function () {
    'use strict';

    function chosen(question) {
        return Array.from(question.querySelectorAll('input'))
            .filter(function (input) { return input.checked; })
            .map(function (input) { return Number(input.value); })
            .sort(function (a, b) { return a - b; });
    }

    function mark(question) {
        var right = question.dataset.answer.split(',').map(Number);
        var got = chosen(question);
        var feedback = question.querySelector('.quiz-feedback');
        var result = question.querySelector('.quiz-result');
        var explain = question.querySelector('.quiz-explain');
        feedback.hidden = false;
        if (got.length === 0) {
            result.textContent = 'Choose an answer first.';
            explain.hidden = true;
            question.classList.remove('quiz-right', 'quiz-wrong');
            return;
        }
        var ok = got.length === right.length &&
            got.every(function (value, i) { return value === right[i]; });
        result.textContent = ok
            ? 'Right.'
            : 'Not quite. Read why below, then try again.';
        explain.hidden = false;
        question.classList.toggle('quiz-right', ok);
        question.classList.toggle('quiz-wrong', !ok);
        score(question.closest('.quiz'));
    }

    function score(quiz) {
        if (!quiz) { return; }
        var total = quiz.querySelectorAll('.quiz-question').length;
        var right = quiz.querySelectorAll('.quiz-question.quiz-right').length;
        var line = quiz.querySelector('.quiz-score');
        if (!line) {
            line = document.createElement('p');
            line.className = 'quiz-score';
            quiz.appendChild(line);
        }
        line.textContent = right + ' of ' + total + ' answered right so far.';
    }

    document.querySelectorAll('.quiz-question').forEach(function (question) {
        var button = question.querySelector('.quiz-check');
        button.addEventListener('click', function () { mark(question); });
        question.addEventListener('change', function () {
            question.classList.remove('quiz-right', 'quiz-wrong');
        });
    });
})();
