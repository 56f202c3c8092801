// The parts of a page marked `data-refresh="SECONDS"` (with an `id`) follow the host:
// every so often the page is fetched again and those parts alone are replaced. Unlike a
// meta refresh, what a person types in the page's forms stays, and so does their place
// on it; a part they are inside (a link focused) waits until they leave it.
for (const part of document.querySelectorAll("[data-refresh][id]")) {
  const every = Math.max(1, Number(part.dataset.refresh) || 5) * 1000;
  setInterval(async () => {
    const inside = part.contains(document.activeElement) && document.activeElement !== part;
    if (inside || document.hidden) return;
    try {
      const answer = await fetch(location.href, { cache: "no-store" });
      if (!answer.ok) return;
      const page = new DOMParser().parseFromString(await answer.text(), "text/html");
      const fresh = page.getElementById(part.id);
      if (fresh) part.replaceChildren(...fresh.childNodes);
    } catch (_) {
      // The host is restarting or the network is down: the next round tries again.
    }
  }, every);
}
