// Upload with a progress bar. Without JavaScript the form posts the same files normally.
// The answer (the page after the redirect, or the page with the errors) replaces <main>.
(function () {
  "use strict";
  if (!window.XMLHttpRequest || !window.FormData || !window.DOMParser) { return; }
  function show(responseText) {
    var page = new DOMParser().parseFromString(responseText, "text/html");
    var main = page.querySelector("main");
    if (!main) { return false; }
    document.querySelector("main").innerHTML = main.innerHTML;
    var focus = document.getElementById("resume-erreurs") || document.querySelector("main [role=status]");
    if (focus) { focus.setAttribute("tabindex", "-1"); focus.focus(); }
    return true;
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-upload]")) { return; }
    event.preventDefault();
    var box = form.querySelector("[data-progress]");
    var bar = box && box.querySelector("progress");
    var status = form.querySelector("[data-upload-status]");
    var button = form.querySelector("button[type=submit]");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    if (box) { box.hidden = false; }
    if (button) { button.disabled = true; }
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable && bar) {
        var percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        bar.textContent = percent + " %";
        if (status) { status.textContent = "Dépôt en cours : " + percent + " %"; }
      }
    });
    xhr.addEventListener("load", function () {
      if (!show(xhr.responseText) && status) {
        status.textContent = "Le dépôt a échoué. Réessayez.";
        if (button) { button.disabled = false; }
      }
    });
    xhr.addEventListener("error", function () {
      if (status) { status.textContent = "Le dépôt a échoué : vérifiez votre connexion, puis réessayez."; }
      if (button) { button.disabled = false; }
    });
    xhr.send(new FormData(form));
  });
})();
