/* Schoolgate's small behaviours: the folded menu on phones, focus on an error summary or confirmation when a
   page opens, and focus after every htmx swap.
   Loaded from a file (never inline) so the Content-Security-Policy needs no 'unsafe-inline'. Every page
   works without it: the menu is then simply open, and decisions reload the page at the same item. */
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", function () {
  /* GOV.UK: a page that opens with an error summary (or a confirmation) puts focus on it, so a screen
     reader reads the problem first and a keyboard user is one Tab from the first field to fix. */
  var first = document.querySelector("[data-autofocus], .error-summary");
  if (first) {
    if (!first.hasAttribute("tabindex")) {
      first.setAttribute("tabindex", "-1");
    }
    first.focus();
  }
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

/* Every other htmx swap. Typing in the live check must keep its focus (its result is read from a live
   region), and a poll must never pull focus from what the reader is doing. Otherwise, a swap asked for by
   a form or a button, or one that removed the focused element, moves focus to the new content: its
   [data-focus-after-swap] element, else its first heading, else the swapped element itself. */
document.addEventListener("htmx:afterSettle", function (event) {
  var target = event.detail.target;
  /* detail.elt is the element settled; the one that asked for the swap is the request's own. */
  var trigger = event.detail.requestConfig ? event.detail.requestConfig.elt : null;
  if (target && target.id && !document.contains(target)) {
    target = document.getElementById(target.id);  /* an outerHTML swap: the new element has the same id */
  }
  if (!target || !target.classList || target.classList.contains("review-item") || !document.contains(target)) {
    return;
  }
  var typed = trigger && trigger.matches && trigger.matches("textarea, input:not([type=submit]), select");
  var asked = trigger && trigger.matches && trigger.matches("form, button, a");
  var lost = document.activeElement === document.body || document.activeElement === null;
  if (typed || !(asked || lost)) {
    return;
  }
  var focus = target.querySelector("[data-focus-after-swap]") || target.querySelector("h1, h2, h3, .error-summary") || target;
  if (!focus.hasAttribute("tabindex") && !focus.matches("a, button, input, select, textarea")) {
    focus.setAttribute("tabindex", "-1");
  }
  focus.focus();
});

/* "Print" buttons (the chronology): shown only where this script runs, as the Content-Security-Policy allows
   no inline onclick. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});

/* A screenshot pasted anywhere on a form marked data-paste-image="<file input id>" ("Try the judge") becomes
   that input's file, as if it had been chosen, and the page says so. Text pastes are left alone. */
document.addEventListener("paste", function (event) {
  var form = event.target.closest && event.target.closest("form[data-paste-image]");
  form = form || document.querySelector("form[data-paste-image]");
  if (!form || !event.clipboardData || typeof DataTransfer === "undefined") return;
  var image = Array.prototype.find.call(event.clipboardData.files || [], function (f) { return /^image\//.test(f.type); });
  var input = document.getElementById(form.getAttribute("data-paste-image"));
  if (!image || !input) return;
  event.preventDefault();
  var files = new DataTransfer();
  files.items.add(new File([image], image.name || "pasted-screenshot.png", { type: image.type }));
  input.files = files.files;
  var status = form.querySelector("#pasted");
  if (status) { status.hidden = false; status.textContent = "Screenshot pasted: it will be read and checked when you press Check."; }
});
