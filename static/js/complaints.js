// The complaint form: show only the part of "whom it is about" that applies, and the notice of
// the chosen category. Without JavaScript every part shows, and the form still works.
(function () {
  "use strict";
  var form = document.querySelector(".complaint-form");
  if (!form) { return; }

  var parts = form.querySelectorAll(".subject-part");
  function showSubjectParts() {
    var checked = form.querySelector("input[name='subject_kind']:checked");
    var kind = checked ? checked.value : "";
    parts.forEach(function (part) {
      var kinds = part.getAttribute("data-subject").split(" ");
      part.hidden = kind !== "" && kinds.indexOf(kind) === -1;
    });
  }
  form.querySelectorAll("input[name='subject_kind']").forEach(function (input) {
    input.addEventListener("change", showSubjectParts);
  });
  showSubjectParts();

  var category = form.querySelector("select[name='category']");
  var notice = document.getElementById("category-notice");
  function showNotice() {
    var source = category && document.getElementById("notice-" + category.value);
    notice.textContent = source ? source.textContent : "";
  }
  if (category && notice) {
    category.addEventListener("change", showNotice);
    showNotice();
  }
})();
