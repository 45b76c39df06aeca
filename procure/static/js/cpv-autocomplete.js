/* CPV autocomplete: progressive enhancement of inputs with data-cpv-search.
   Without this script the form still works: typed words come back as a list of matching
   codes to choose from. With it, a native datalist offers the codes while typing. */
(function () {
  "use strict";

  function enhance(input) {
    var list = document.createElement("datalist");
    var timer = null;
    var asked = "";
    list.id = input.id + "-suggestions";
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);

    function fill(items) {
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      items.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.code;
        option.label = item.code + " " + item.label;
        option.textContent = item.label;
        list.appendChild(option);
      });
    }

    function search() {
      var query = input.value.trim();
      if (query.length < 2 || query === asked) {
        return;
      }
      asked = query;
      var url = input.getAttribute("data-cpv-search") + "?q=" + encodeURIComponent(query);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) {
          if (input.value.trim() === query) {
            fill(items);
          }
        })
        .catch(function () { /* the no-JavaScript path still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var inputs = document.querySelectorAll("input[data-cpv-search]");
    Array.prototype.forEach.call(inputs, enhance);
  });
})();
