/* The photo check: each numbered face box is placed over the photo from its data attributes (percentages
   of the photo, so it scales with the image). Set through the CSSOM from this file, because the
   Content-Security-Policy refuses inline style attributes. Without this script the boxes stay hidden and
   each face's close-up beside its question still shows who is meant. */
document.addEventListener("DOMContentLoaded", function () {
  var boxes = document.querySelectorAll(".photo-frame .face-box[data-left]");
  Array.prototype.forEach.call(boxes, function (box) {
    var place = {left: box.dataset.left, top: box.dataset.top, width: box.dataset.width, height: box.dataset.height};
    for (var side in place) {
      var value = parseFloat(place[side]);
      if (!isFinite(value)) {
        return;
      }
      box.style[side] = value + "%";
    }
    box.classList.add("placed");
  });
});
