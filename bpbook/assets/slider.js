/* The kernel-free slider of bpbook.slider.precomputed_slider: this file is inlined into each slider's cell
 * output, so the slider works on the website, offline, and in a downloaded notebook, with no kernel.
 *
 * Markup contract (shared with bpbook/slider.py, which writes it, bpbook/assets/slider.css and tests/test_site.py,
 * which moves every slider in a real browser):
 *   div.bp-slider#ID
 *     input[type=range][data-param=i]   one per parameter, value = index into that parameter's values
 *     output[aria-hidden=true]          right after each input: the value shown (aria-valuetext says it)
 *     img.bp-slider-frame               the stored frame of the chosen setting
 *     table.bp-slider-numbers           one row per number: th = label, td = value
 *     script.bp-slider-data             JSON {params: [[value strings]], frames: [{png, numbers}], alt}
 *
 * It only picks a stored frame: every number was computed by bplib while the notebook executed. */
(function (id) {
  var root = document.getElementById(id);
  if (!root || root.dataset.bpReady) return;
  root.dataset.bpReady = "1";
  var data = JSON.parse(root.querySelector(".bp-slider-data").textContent);
  var inputs = root.querySelectorAll("input[type=range]");
  function show() {
    var index = 0;  /* row-major position of the chosen setting in the precomputed grid */
    inputs.forEach(function (input, i) {
      var value = data.params[i][Number(input.value)];
      index = index * data.params[i].length + Number(input.value);
      input.nextElementSibling.textContent = value;
      input.setAttribute("aria-valuetext", value);
    });
    var frame = data.frames[index];
    root.querySelector(".bp-slider-frame").src = "data:image/png;base64," + frame.png;
    var table = root.querySelector(".bp-slider-numbers");
    Object.keys(frame.numbers).forEach(function (k, r) { table.rows[r].cells[1].textContent = frame.numbers[k]; });
  }
  inputs.forEach(function (input) { input.addEventListener("input", show); });
})
