// Autosave of a section's draft: each change is posted (X-Autosave: 1) after a short pause.
// Without JavaScript the « Enregistrer » button saves the same way.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave='1']");
  if (!form || !window.fetch) { return; }
  var status = form.querySelector("[data-autosave-status]");
  var timer = null;
  var inFlight = null;  // the autosave under way, so a submit never races it
  function say(text) { if (status) { status.textContent = text; } }
  function save() {
    var data = new FormData(form);
    inFlight = fetch(form.action || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Autosave": "1", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      say(result.body.message || "");
      if (result.ok && result.body.version) {
        var seen = form.querySelector("input[name='seen_version']");
        if (seen) { seen.value = result.body.version; }
      }
      if (result.ok && result.body.checklist) {
        var aside = document.getElementById("liste-verification");
        if (aside) { aside.innerHTML = result.body.checklist; }
      }
    }).catch(function () {
      say("Brouillon non enregistré : vérifiez votre connexion, puis enregistrez la section.");
    }).then(function () { inFlight = null; });
  }
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    if (inFlight) {
      // Let the autosave finish first, then send the form as the person asked.
      event.preventDefault();
      var submitter = event.submitter;
      inFlight.then(function () {
        if (submitter && form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
      });
    }
  });
  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 600);
  });
})();
