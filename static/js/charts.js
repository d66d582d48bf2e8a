// Draws each chart on the page from its JSON data block (<div data-chart="ID"> and
// <script type="application/json" id="ID">): no inline script, so the strict CSP holds.
// Plotly's own stylesheet is in app.css; the <meta id="plotly.js-style-global"> in the page
// tells Plotly not to inject it as an inline <style>, which the CSP would refuse.
(function () {
  "use strict";

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source || !window.Plotly) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(element, figure.data, figure.layout, {
      responsive: true,
      displayModeBar: false,
      displaylogo: false,
      staticPlot: false,
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
