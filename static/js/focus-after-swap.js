// Keyboard focus after an htmx swap: content that htmx loads into the page can name the
// element that should take focus next (data-focus-after-swap), e.g. the first of the
// older feedback entries after "Load older entries", whose link the swap removed.
// Without this, focus falls back to the page's start and a keyboard user loses their place.
document.addEventListener("htmx:afterSettle", function () {
  var target = document.querySelector("[data-focus-after-swap]");
  if (target) {
    target.removeAttribute("data-focus-after-swap");
    target.focus();
  }
});
