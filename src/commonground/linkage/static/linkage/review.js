/* Review queue keyboard shortcuts: Alt+key activates the control marked data-shortcut="key".
 *
 * The review page marks Accept (a), Reject (r) and Unsure (u); the queue marks "Start reviewing" (n).
 * Each control also says its shortcut in aria-keyshortcuts and in visible text, so nothing depends on this
 * script: without it, the same buttons are reached with Tab and pressed with Enter.
 */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey || !event.key) return;
    var key = event.key.toLowerCase();
    if (key.length !== 1) return;
    var control = document.querySelector('[data-shortcut="' + key + '"]');
    if (!control) return;
    event.preventDefault();
    control.click();
  });
})();
