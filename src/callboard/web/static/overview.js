// Overview page: auto-submit filters, drop empty parameters from the URL, draw the trend, sort the table.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && !el.value) { el.disabled = true; }
      });
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-autosubmit]"), function (el) {
      el.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
    });
  }

  var data = document.getElementById("trend-data");
  var chart = document.getElementById("trend-chart");
  if (data && chart && window.Plotly) {
    var figure = JSON.parse(data.textContent);
    window.Plotly.newPlot(chart, figure.data, figure.layout, {
      displaylogo: false, responsive: true,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"]
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.querySelectorAll("thead th");
    Array.prototype.forEach.call(heads, function (th, index) {
      th.addEventListener("click", function () {
        var numeric = th.getAttribute("data-type") === "num";
        var asc = !th.classList.contains("sorted-asc");
        Array.prototype.forEach.call(heads, function (h) { h.classList.remove("sorted-asc", "sorted-desc"); });
        th.classList.add(asc ? "sorted-asc" : "sorted-desc");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[index], y = b.cells[index];
          if (numeric) {
            var xv = x.getAttribute("data-sort"), yv = y.getAttribute("data-sort");
            if (xv === "" && yv === "") { return 0; }
            if (xv === "") { return 1; }
            if (yv === "") { return -1; }
            return asc ? xv - yv : yv - xv;
          }
          return asc ? x.textContent.localeCompare(y.textContent) : y.textContent.localeCompare(x.textContent);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
