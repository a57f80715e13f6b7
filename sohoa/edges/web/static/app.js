// sohoa pages: procedure filter, drop zone and folder picker, progress polling. No framework, no build.
"use strict";

function setupFilter(input) {
  const select = document.getElementById(input.dataset.filter);
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  input.addEventListener("input", () => {
    const words = fold(input.value).split(/\s+/).filter(Boolean);
    let first = null;
    for (const option of select.options) {
      const shown = words.every((w) => fold(option.textContent).includes(w));
      option.hidden = !shown;
      if (shown && !first) first = option;
    }
    if (first && (select.selectedOptions.length === 0 || select.selectedOptions[0].hidden)) first.selected = true;
  });
}

function showChosen(input) {
  const out = document.getElementById("tep-da-chon");
  if (out) out.textContent = input.files.length ? `${input.files.length} tệp: ` + [...input.files].map((f) => f.name).join(", ") : "";
}

function setupDrop(zone) {
  const input = document.getElementById(zone.dataset.drop);
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    input.files = event.dataTransfer.files;
    showChosen(input);
  });
  input.addEventListener("change", () => showChosen(input));
}

function setupFolder(picker) {
  const target = document.getElementById(picker.dataset.folderFor);
  picker.addEventListener("change", () => {
    const files = [...picker.files].filter((f) => /\.(jpe?g|png|tiff?|pdf)$/i.test(f.name))
      .sort((a, b) => a.webkitRelativePath.localeCompare(b.webkitRelativePath));
    const transfer = new DataTransfer();
    files.forEach((f) => transfer.items.add(f));
    target.files = transfer.files;
    showChosen(target);
  });
}

function setupPoll(section) {
  const bar = document.getElementById("thanh-tien-do");
  const text = document.getElementById("chu-tien-do");
  const tick = async () => {
    try {
      const answer = await fetch(section.dataset.poll, { credentials: "same-origin", cache: "no-store" });
      const state = await answer.json();
      if (state.total) {
        bar.max = state.total;
        bar.value = state.done;
        text.textContent = state.stage === "pages" ? `${state.done}/${state.total} trang đã đọc`
          : `Đang ký số: ${state.done}/${state.total} thành phần`;
      }
      if (state.finished) { window.location.reload(); return; }
    } catch (error) { text.textContent = "Mất kết nối, đang thử lại…"; }
    setTimeout(tick, 700);
  };
  setTimeout(tick, 300);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-filter]").forEach(setupFilter);
  document.querySelectorAll("[data-drop]").forEach(setupDrop);
  document.querySelectorAll("[data-folder-for]").forEach(setupFolder);
  document.querySelectorAll("[data-poll]").forEach(setupPoll);
  document.querySelectorAll("[data-back]").forEach((a) => a.addEventListener("click", (e) => { e.preventDefault(); history.back(); }));
});
