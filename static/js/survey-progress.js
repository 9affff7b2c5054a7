// How many of a long survey's questions are answered: shown only with JavaScript, since
// without it the count could not follow the answers; each question carries its number.
(function () {
  "use strict";
  var form = document.querySelector("form[data-progress]");
  var box = document.getElementById("survey-progress");
  if (!form || !box) return;
  var bar = box.querySelector("progress");
  var count = box.querySelector(".survey-progress-count");
  var wording = box.getAttribute("data-answered-of");
  function update() {
    var answered = {};
    form.querySelectorAll("input[type=radio]:checked").forEach(function (input) {
      answered[input.name] = true;
    });
    var n = Object.keys(answered).length;
    bar.value = n;
    count.textContent = wording.replace("{answered}", n).replace("{total}", bar.max);
  }
  form.addEventListener("change", update);
  box.hidden = false;
  update();
})();
