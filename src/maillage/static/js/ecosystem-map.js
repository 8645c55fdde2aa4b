// Ecosystem map: draws the actors of the "map-markers" data island on a Leaflet map.
// The page lists the same actors in a table, so it stays usable without this script or tiles.
(function () {
  "use strict";

  function popup(marker, urlTemplate) {
    const box = document.createElement("div");
    const link = document.createElement("a");
    link.href = urlTemplate.replace("{pk}", String(marker.id));
    link.textContent = marker.name;
    link.className = "fw-semibold";
    box.appendChild(link);
    for (const text of [marker.profile, marker.commune]) {
      if (text) {
        const line = document.createElement("div");
        line.className = "small";
        line.textContent = text;
        box.appendChild(line);
      }
    }
    return box;
  }

  function start() {
    const element = document.getElementById("ecosystem-map");
    if (!element || typeof window.L === "undefined") {
      return;
    }
    const L = window.L;
    const config = JSON.parse(document.getElementById("map-config").textContent);
    const markers = JSON.parse(document.getElementById("map-markers").textContent);
    const map = L.map(element, { preferCanvas: true });
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: config.attribution }).addTo(map);
    }
    const points = [];
    for (const marker of markers) {
      const point = [marker.lat, marker.lon];
      L.circleMarker(point, {
        radius: 7,
        color: "#1f2937",
        weight: 1,
        fillColor: marker.colour,
        fillOpacity: 0.9,
      })
        .bindTooltip(marker.name)
        .bindPopup(() => popup(marker, config.urlTemplate))
        .addTo(map);
      points.push(point);
    }
    if (points.length) {
      map.fitBounds(points, { padding: [28, 28], maxZoom: 13 });
    } else {
      map.setView([46.6, 2.4], 5);
    }
    element.dataset.ready = String(points.length);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
