/* Common Ground upload progress.
 *
 * Enhances <form data-upload-progress>: the form is sent with XMLHttpRequest so an accessible <progress>
 * element and a polite live region can say how much has been sent.  Without JavaScript the same form posts
 * normally.  The server answers JSON {location} when the files were taken in (the page then opens the report),
 * or the page again with the form's errors, which replaces the current form.
 */
(function () {
  "use strict";

  function describe(bytes) {
    var units = [["GB", 1073741824], ["MB", 1048576], ["KB", 1024]];
    for (var i = 0; i < units.length; i++) {
      if (bytes >= units[i][1]) return (bytes / units[i][1]).toFixed(1).replace(/\.0$/, "") + " " + units[i][0];
    }
    return bytes + " bytes";
  }

  function totalSize(form) {
    var total = 0;
    var inputs = form.querySelectorAll("input[type=file]");
    for (var i = 0; i < inputs.length; i++) {
      for (var j = 0; j < inputs[i].files.length; j++) total += inputs[i].files[j].size;
    }
    return total;
  }

  function parts(form) {
    var box = form.querySelector(".upload-progress");
    return {
      box: box,
      bar: box && box.querySelector("progress"),
      text: box && box.querySelector(".upload-progress-text"),
      button: form.querySelector("button[type=submit]")
    };
  }

  function say(p, message) {
    if (p.text) p.text.textContent = message;
  }

  function replacePage(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("main");
    var main = document.getElementById("main");
    if (fresh && main) {
      main.innerHTML = fresh.innerHTML;
      main.focus(); // screen readers start again at the top, where the errors are listed
    } else {
      document.open();
      document.write(html);
      document.close();
    }
  }

  function send(form) {
    var p = parts(form);
    var limit = parseInt(form.getAttribute("data-max-bytes") || "0", 10);
    var size = totalSize(form);
    if (limit && size > limit) {
      p.box.hidden = false;
      say(p, "These files are " + describe(size) + "; the hub takes at most " +
        (form.getAttribute("data-max-label") || describe(limit)) + " at once. Send them in smaller parts.");
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) xhr.setRequestHeader("X-CSRFToken", token.value);
    p.box.hidden = false;
    p.bar.value = 0;
    p.bar.max = 100;
    if (p.button) p.button.disabled = true;
    form.setAttribute("aria-busy", "true");
    say(p, "Sending " + describe(size) + "…");
    var lastSaid = -1;
    xhr.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) return;
      var percent = Math.floor((event.loaded / event.total) * 100);
      p.bar.value = percent;
      p.bar.textContent = percent + "%";
      // A polite live region read on every event would chatter: speak every 10%.
      if (percent >= lastSaid + 10 || percent === 100) {
        lastSaid = percent;
        say(p, "Sent " + percent + "% (" + describe(event.loaded) + " of " + describe(event.total) + ").");
      }
    });
    xhr.upload.addEventListener("load", function () {
      p.bar.removeAttribute("value"); // indeterminate while the hub checks the files
      say(p, "All files sent. The hub is checking them; the report opens when it is done.");
    });
    xhr.addEventListener("load", function () {
      var type = xhr.getResponseHeader("Content-Type") || "";
      if (xhr.status === 200 && type.indexOf("application/json") === 0) {
        var answer = JSON.parse(xhr.responseText);
        say(p, "Checked. Opening the report…");
        window.location.assign(answer.location);
        return;
      }
      replacePage(xhr.responseText);
    });
    xhr.addEventListener("error", function () {
      if (p.button) p.button.disabled = false;
      form.removeAttribute("aria-busy");
      say(p, "The upload stopped: the connection to the hub was lost. Nothing was published; please try again.");
    });
    xhr.send(new FormData(form));
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-upload-progress")) return;
    if (typeof window.FormData !== "function" || !window.XMLHttpRequest) return; // plain post
    event.preventDefault();
    send(form);
  });
})();
