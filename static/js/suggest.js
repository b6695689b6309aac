// Suggestions as you type in the credit search box: names from /api/suggest fill a <datalist>,
// which the browser shows as an accessible list. Without JavaScript the box still searches.
(function () {
  "use strict";
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-suggest");
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 1 || text === last) { return; }
      timer = setTimeout(function () {
        last = text;
        fetch(url + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (hits) {
            list.replaceChildren.apply(list, hits.map(function (hit) {
              var option = document.createElement("option");
              option.value = hit.name;
              option.label = hit.region;
              return option;
            }));
          })
          .catch(function () { /* suggestions are a convenience; searching still works */ });
      }, 150);
    });
  });
})();
