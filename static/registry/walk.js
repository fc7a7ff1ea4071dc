/* Begehungsliste: "Geprüft" without leaving the page. The same JSON endpoint (and so the same
   service, services.mark_checked) as "Geprüft" on the map; without JavaScript the form posts. */
(function () {
  "use strict";
  var table = document.getElementById("liste");
  var status = document.getElementById("walk-status");
  if (!table || !table.dataset.confirm) { return; }

  function csrfToken(form) {
    return form.querySelector("input[name=csrfmiddlewaretoken]").value;
  }
  function germanDate(iso) {  // machine date → TT.MM.JJJJ for people
    var p = iso.split("-");
    return p[2] + "." + p[1] + "." + p[0];
  }
  function say(text, ok) {
    status.textContent = text;
    status.className = "message " + (ok ? "success" : "error");
    status.hidden = false;
  }

  table.addEventListener("submit", function (event) {
    var form = event.target;
    var row = form.closest("tr");
    event.preventDefault();
    var button = form.querySelector("button");
    button.disabled = true;
    fetch("/api/units/" + row.dataset.unit + "/checked/", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(form)},
      body: JSON.stringify({version: parseInt(row.dataset.version, 10)})
    }).then(function (response) {
      return response.json().then(function (body) { return {ok: response.ok, body: body}; });
    }).then(function (result) {
      if (!result.ok) {
        button.disabled = false;
        say(table.dataset.failed + ": " + (result.body.error || ""), false);
        return;
      }
      var date = germanDate(result.body.last_checked);
      var address = row.querySelector("strong").textContent;
      row.dataset.version = result.body.version;
      row.classList.add("done");
      row.querySelector(".last-checked").textContent = date;
      var mark = document.createElement("span");
      mark.className = "done-mark";
      mark.textContent = "✓ " + table.dataset.done + " " + date;
      form.replaceWith(mark);
      say(table.dataset.confirm.replace("%(address)s", address).replace("%(date)s", date), true);
    }).catch(function () {
      button.disabled = false;
      say(table.dataset.failed, false);
    });
  });
})();
