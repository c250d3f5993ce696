// Excel import pages: refuse an oversized file before uploading it, and keep a
// double click from uploading or confirming twice.
(function () {
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) { return; }
    var form = input.closest("form");
    var box = form ? form.querySelector(".excel-size-error") : null;
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var file = input.files && input.files[0];
    if (!box) { return; }
    if (file && max && file.size > max) {
      box.textContent = "文件大小为 " + Math.round(file.size / 1048576) + " MB，超过上限 " + Math.round(max / 1048576) + " MB，请拆分后分批导入。";
      box.classList.remove("d-none");
      input.value = "";
    } else {
      box.classList.add("d-none");
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches(".excel-upload, .excel-confirm")) { return; }
    var button = form.querySelector("button[type=submit]");
    if (button) {
      if (button.dataset.busy) { event.preventDefault(); return; }
      button.dataset.busy = "1";
      button.classList.add("btn-loading");
    }
  });
})();
