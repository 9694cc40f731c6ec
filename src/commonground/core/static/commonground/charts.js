/* Common Ground charts: draws every Vega-Lite chart on the page as SVG.
 *
 * A chart is an element with data-vega-lite="ID", where ID names a <script type="application/json"> block
 * holding the Vega-Lite spec (Django's json_script).  JSON data blocks are not executed, so pages need no
 * inline script; expressions run through the CSP-safe vega-interpreter, so no eval is needed either.
 * Every chart on a page has the same numbers in a table beside it: when drawing fails, nothing is lost.
 */
(function () {
  "use strict";

  function specFor(element) {
    var block = document.getElementById(element.getAttribute("data-vega-lite"));
    if (!block) return null;
    try {
      return JSON.parse(block.textContent);
    } catch (err) {
      return null;
    }
  }

  function draw(element) {
    var spec = specFor(element);
    if (!spec || typeof window.vegaEmbed !== "function") return;
    var options = {
      renderer: "svg",
      actions: false,
      defaultStyle: false,
      mode: "vega-lite",
      ast: true,
      expr: window.vegaInterpreter ? window.vegaInterpreter.expressionInterpreter : undefined
    };
    window.vegaEmbed(element, spec, options).then(function () {
      // The wrapper carries role="img" and the chart's description; the drawing inside is decoration to
      // assistive technology (its numbers are in the table beside it), so hide Vega's own SVG roles.
      var svg = element.querySelector("svg");
      if (svg) svg.setAttribute("aria-hidden", "true");
      element.setAttribute("data-chart-state", "drawn");
    }).catch(function (err) {
      element.setAttribute("data-chart-state", "failed");
      element.textContent = "The chart could not be drawn; the table has the same numbers.";
      if (window.console) window.console.warn("chart failed", err);
    });
  }

  function drawAll(root) {
    var elements = (root || document).querySelectorAll("[data-vega-lite]");
    for (var i = 0; i < elements.length; i++) {
      if (!elements[i].hasAttribute("data-chart-state")) draw(elements[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  } else {
    drawAll(document);
  }
  // Charts that arrive in an htmx swap are drawn too.
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.target); });
})();
