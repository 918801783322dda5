// Upload with a progress bar. Without JavaScript the form posts the same files normally.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload]");
  if (!form || !window.XMLHttpRequest || !window.FormData || !window.DOMParser) { return; }
  var box = form.querySelector("[data-progress]");
  var bar = box && box.querySelector("progress");
  var status = form.querySelector("[data-upload-status]");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    if (box) { box.hidden = false; }
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable && bar) {
        var percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        bar.textContent = percent + " %";
        if (status) { status.textContent = "Dépôt en cours : " + percent + " %"; }
      }
    });
    xhr.addEventListener("load", function () {
      if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL) {
        window.location.assign(xhr.responseURL);
        return;
      }
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var main = page.querySelector("main");
      if (main) {
        document.querySelector("main").innerHTML = main.innerHTML;
        var summary = document.getElementById("resume-erreurs");
        if (summary) { summary.focus(); }
      } else if (status) {
        status.textContent = "Le dépôt a échoué. Réessayez.";
      }
    });
    xhr.addEventListener("error", function () {
      if (status) { status.textContent = "Le dépôt a échoué : vérifiez votre connexion, puis réessayez."; }
    });
    xhr.send(new FormData(form));
  });
})();
