// PACE web: a few lines instead of a front-end framework.
// - the language selector submits itself;
// - forms with data-confirm ask first;
// - the dashboard listens to the hub's figures (server-sent events) and reloads its figures.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (e) => { if (!confirm(form.dataset.confirm)) e.preventDefault(); });
  }
  const live = document.getElementById("live");
  if (!live || !window.EventSource) return;
  let timer = null;
  const refresh = async () => {
    const response = await fetch(live.dataset.refresh, {credentials: "same-origin"});
    if (response.ok) {
      document.getElementById("figures").innerHTML = await response.text();
      live.dataset.updated = new Date().toISOString();
    }
  };
  const source = new EventSource(live.dataset.live);
  source.addEventListener("open", () => { live.dataset.connected = "yes"; });
  source.addEventListener("figures", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);  // a publication comes as a burst of events
  });
});
