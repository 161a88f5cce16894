// The review table by keyboard: j/k move between proposals, x selects one, a accepts it, r rejects
// it (with the reason typed above the table), e opens its edit form. Keys typed into a field are
// left alone. Everything works without this script: it only saves reaching for the mouse.
(function () {
  "use strict";
  const rows = Array.from(document.querySelectorAll("tr.proposal-row"));
  if (!rows.length) return;
  let at = -1;

  function focus(i) {
    at = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((row, n) => row.classList.toggle("current", n === at));
    rows[at].focus();
  }

  function openEdit(hash) {
    const section = document.getElementById(hash.replace(/^#/, ""));
    if (!section) return;
    const details = section.querySelector("details");
    if (details) details.open = true;
    section.scrollIntoView();
  }

  const all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", () => rows.forEach((row) => {
      const box = row.querySelector("input[type=checkbox]");
      if (box) box.checked = all.checked;
    }));
  }
  document.querySelectorAll("a[data-key=e]").forEach((link) =>
    link.addEventListener("click", () => openEdit(link.getAttribute("href"))));
  if (location.hash.startsWith("#edit-")) openEdit(location.hash);

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target && (target.tagName === "TEXTAREA" || target.tagName === "SELECT" ||
      (target.tagName === "INPUT" && target.type !== "checkbox"));
    if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
    const row = rows[at];
    if (event.key === "j") focus(at + 1);
    else if (event.key === "k") focus(at - 1);
    else if (event.key === "x" && row) {
      const box = row.querySelector("input[type=checkbox]");
      box.checked = !box.checked;
    } else if ((event.key === "a" || event.key === "r") && row) {
      row.querySelector("button[data-key=" + event.key + "]").click();
    } else if (event.key === "e" && row) {
      const href = row.querySelector("a[data-key=e]").getAttribute("href");
      history.replaceState(null, "", href);
      openEdit(href);
    } else return;
    event.preventDefault();
  });
})();
