// The little behaviour pages have, kept out of the HTML so the Content-Security-Policy can
// forbid inline script:
// - a button marked data-print prints the page;
// - a form with data-confirm="question" is sent only when the user confirms the question.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
