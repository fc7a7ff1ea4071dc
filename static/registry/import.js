// Follows an import job: moves the progress bar and reloads the page once the job reaches its next state.
(function () {
  "use strict";
  const box = document.getElementById("job-progress");
  if (!box) return;
  const bar = box.querySelector("progress");
  const rows = document.getElementById("job-rows");
  const label = document.getElementById("job-state");
  const number = new Intl.NumberFormat(document.documentElement.lang || "de");

  async function poll() {
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
      const job = await response.json();
      if (job.state !== box.dataset.state && !["queued", "checking", "importing"].includes(job.state)) {
        window.location.reload();
        return;
      }
      box.dataset.state = job.state;
      bar.value = job.percent;
      label.textContent = job.label;
      if (job.rows_total) rows.textContent = `${number.format(job.rows_done)} / ${number.format(job.rows_total)}`;
    } catch (error) {
      // a dropped connection: try again at the next tick
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 500);
})();
