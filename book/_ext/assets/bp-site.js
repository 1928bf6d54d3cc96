/* The site's small script (added to every page by book/_ext/bp_site.py; styled in bp-site.css): issue 17.
 *
 * 1. Boxes that scroll sideways say so. On a phone, wide code, display formulas, tables and long inline formulas scroll inside their own box, and a
 * touch browser shows no scrollbar until one touches the box. Every such box gets the class bp-scrolls, plus
 * bp-more-left / bp-more-right while content is hidden on that side: the stylesheet draws a shadow on that
 * edge. Re-measured when the page is laid out again (resize, MathJax typesetting, opened details).
 * 2. Each slider input's aria-valuetext is the value shown beside it.
 * 3. A "Skip to the first slider" link on pages with a kernel-free slider. */
(function () {
  var BOXES = "pre, div.math, span.math, mjx-container, .pst-scrollable-table-container, .cell_output, " +
              ".output, .bp-slider, .table-wrapper, .highlight";
  function update(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1 && /auto|scroll/.test(getComputedStyle(box).overflowX);
    box.classList.toggle("bp-scrolls", scrolls);
    box.classList.toggle("bp-more-left", scrolls && box.scrollLeft > 1);
    box.classList.toggle("bp-more-right", scrolls && box.scrollLeft + box.clientWidth < box.scrollWidth - 1);
    /* A box that scrolls can be scrolled with the keyboard (as the theme does for code and tables). */
    if (scrolls && !box.hasAttribute("tabindex")) { box.tabIndex = 0; box.dataset.bpTabindex = "1"; }
    else if (!scrolls && box.dataset.bpTabindex) { box.removeAttribute("tabindex"); delete box.dataset.bpTabindex; }
  }
  /* Each kernel-free slider's input says the value shown (bpbook/assets/slider.js does it; repeated here, after
     it, so that a chapter's stored output from an older slider.js says it too). */
  function sliderValueText(input) {
    var output = input.nextElementSibling;
    if (output && output.tagName === "OUTPUT") input.setAttribute("aria-valuetext", output.textContent);
  }
  function measure() {
    var main = document.querySelector("main") || document.body;
    main.querySelectorAll(BOXES).forEach(function (box) {
      if (box.closest("mjx-assistive-mml")) return;
      /* An inline formula wider than its line may scroll (bp-site.css); the theme clips the others' overflow. */
      if (box.matches("span.math")) box.classList.toggle("bp-wide", box.scrollWidth > box.clientWidth + 1);
      update(box);
      if (!box.dataset.bpScrollWatch) {
        box.dataset.bpScrollWatch = "1";
        box.addEventListener("scroll", function () { update(box); }, {passive: true});
      }
    });
  }
  var pending = null;
  function later() { clearTimeout(pending); pending = setTimeout(measure, 100); }
  window.addEventListener("resize", later);
  document.addEventListener("toggle", later, true);
  /* A second skip link, beside the theme's "Skip to main content": a keyboard reader reaches the chapter's
     first slider in a few key presses instead of tabbing through every link and code cell before it. */
  function sliderSkipLink() {
    var skip = document.getElementById("pst-skip-link");
    var input = document.querySelector("div.bp-slider input[type=range]");
    if (!skip || !input || skip.querySelector(".bp-skip-slider")) return;
    var link = document.createElement("a");
    link.className = "bp-skip-slider";
    link.href = "#" + input.closest("div.bp-slider").id;
    link.textContent = "Skip to the first slider";
    link.addEventListener("click", function (event) {
      event.preventDefault();
      input.scrollIntoView({block: "center"});
      input.focus();
    });
    skip.appendChild(link);
  }
  function start() {
    sliderSkipLink();
    document.querySelectorAll("div.bp-slider input[type=range]").forEach(function (input) {
      sliderValueText(input);
      input.addEventListener("input", function () { sliderValueText(input); });
    });
    measure();
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) MathJax.startup.promise.then(measure);
    if (window.ResizeObserver) {
      var main = document.querySelector("main");
      if (main) new ResizeObserver(later).observe(main);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
  window.addEventListener("load", function () {
    measure();
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) MathJax.startup.promise.then(measure);
  });
})();
