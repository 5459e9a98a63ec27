/* Schoolgate's small behaviours: the folded menu on phones, focus after an htmx swap in the review queue.
   Loaded from a file (never inline) so the Content-Security-Policy needs no 'unsafe-inline'. Every page
   works without it: the menu is then simply open, and decisions reload the page at the same item. */
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  if (toggle && menu) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    });
  }
});

/* A review decision replaced its card: move focus to the next card waiting (or to the heading when none). */
document.addEventListener("htmx:afterSwap", function (event) {
  var card = event.detail.target;
  if (!card || !card.classList || !card.classList.contains("review-item")) {
    return;
  }
  var decided = document.getElementById(card.id) || card;
  var next = decided.nextElementSibling;
  while (next && !(next.classList.contains("review-item") && next.dataset.pending === "1")) {
    next = next.nextElementSibling;
  }
  var focus = next ? next.querySelector(".item-heading") : decided.querySelector(".item-heading");
  if (focus) {
    focus.focus();
  }
});
