// CatFinder enhancements, on top of forms and lists that work without JavaScript:
//
// - every empty `[data-timezone-offset]` field gets the browser's offset, so a typed local time is
//   read in the right zone (without it the server estimates the zone from the place);
// - place fields (`[data-place-fields]`) get "Use my location" and, where the page has a tile URL, a
//   map to click: both fill in the latitude and longitude fields and clear the town field;
// - the search page's `[data-results-map]` shows the results' public points (the `data-lat`/`data-lng`
//   of each result in the list) on a Leaflet map, redrawn after each htmx swap.
//
// Leaflet is loaded only when a map is shown, from our own versioned URL.
;(function () {
  'use strict'
  var root = document.documentElement
  // Callbacks waiting for Leaflet while it loads; null before the first asks for it.
  var leafletWaiting = null
  // htmx runs the scripts of pages it swaps in, so this may run again: set up once, enhance often.
  if (root.hasAttribute('data-finder-place-ready')) {
    enhance(document)
    return
  }
  root.setAttribute('data-finder-place-ready', '')
  document.addEventListener('htmx:after:swap', function () {
    enhance(document)
  })
  enhance(document)

  function enhance(scope) {
    each(scope, '[data-timezone-offset]', function (field) {
      if (!field.value) field.value = String(new Date().getTimezoneOffset())
    })
    each(scope, '[data-place-fields]', placeFields)
    each(scope, '[data-results-map]', resultsMap)
  }

  function each(scope, selector, fn) {
    var found = scope.querySelectorAll(selector)
    for (var i = 0; i < found.length; i++) fn(found[i])
  }

  function placeFields(fieldset) {
    if (fieldset.hasAttribute('data-enhanced')) return
    fieldset.setAttribute('data-enhanced', '')
    var town = fieldset.querySelector('input[name=town], input[name=near]')
    var lat = fieldset.querySelector('input[name=lat]')
    var lng = fieldset.querySelector('input[name=lng]')
    var status = fieldset.querySelector('[data-place-status]')
    var tools = fieldset.querySelector('.place-tools')
    var button = fieldset.querySelector('[data-use-my-location]')
    var mapBox = fieldset.querySelector('[data-place-map]')
    var marker = null
    var map = null
    var say = function (text) {
      if (status) status.textContent = text
    }
    var place = function (latitude, longitude, how) {
      lat.value = latitude.toFixed(5)
      lng.value = longitude.toFixed(5)
      if (town) town.value = ''
      say(how + ': ' + lat.value + ', ' + lng.value)
      if (map) {
        if (marker) marker.setLatLng([latitude, longitude])
        else marker = window.L.circleMarker([latitude, longitude], { radius: 8 }).addTo(map)
      }
    }
    if (tools && navigator.geolocation) tools.hidden = false
    if (button && navigator.geolocation) {
      button.addEventListener('click', function () {
        say('Finding your location…')
        navigator.geolocation.getCurrentPosition(
          function (position) {
            place(position.coords.latitude, position.coords.longitude, 'Your location')
            if (map) map.setView([position.coords.latitude, position.coords.longitude], 15)
          },
          function () {
            say('Your location is not available. Type a town, or click the map.')
          },
          { enableHighAccuracy: true, timeout: 15000 },
        )
      })
    }
    if (!mapBox || !lat || !lng) return
    withLeaflet(mapBox, function (L) {
      mapBox.hidden = false
      var start = lat.value && lng.value ? [Number(lat.value), Number(lng.value)] : [20, 0]
      map = L.map(mapBox).setView(start, lat.value ? 14 : 2)
      tiles(L, mapBox).addTo(map)
      if (lat.value && lng.value) marker = L.circleMarker(start, { radius: 8 }).addTo(map)
      map.on('click', function (event) {
        place(event.latlng.lat, event.latlng.lng, 'Map')
      })
    })
  }

  function resultsMap(box) {
    withLeaflet(box, function (L) {
      var points = document.querySelectorAll('#results .result[data-lat]')
      if (!box.leafletMap) {
        box.hidden = false
        box.leafletMap = L.map(box)
        tiles(L, box).addTo(box.leafletMap)
        box.leafletLayer = L.layerGroup().addTo(box.leafletMap)
      }
      var map = box.leafletMap
      box.leafletLayer.clearLayers()
      var bounds = []
      for (var i = 0; i < points.length; i++) {
        var item = points[i]
        var at = [Number(item.getAttribute('data-lat')), Number(item.getAttribute('data-lng'))]
        // The marker links to the report as the result's heading does.
        var heading = item.querySelector('h3 a')
        var link = document.createElement('a')
        link.href = heading.getAttribute('href')
        link.textContent = heading.textContent
        L.circleMarker(at, { radius: 7 }).bindPopup(link).addTo(box.leafletLayer)
        bounds.push(at)
      }
      box.hidden = bounds.length === 0
      if (bounds.length > 0) {
        map.invalidateSize()
        map.fitBounds(bounds, { maxZoom: 15, padding: [20, 20] })
      }
    })
  }

  function tiles(L, box) {
    return L.tileLayer(box.getAttribute('data-tiles'), { attribution: box.getAttribute('data-attribution'), maxZoom: 19 })
  }

  function withLeaflet(box, ready) {
    if (window.L) return ready(window.L)
    if (!leafletWaiting) {
      leafletWaiting = []
      var css = document.createElement('link')
      css.rel = 'stylesheet'
      css.href = box.getAttribute('data-leaflet-css')
      document.head.appendChild(css)
      var script = document.createElement('script')
      script.src = box.getAttribute('data-leaflet-js')
      script.onload = function () {
        var waiting = leafletWaiting
        leafletWaiting = []
        for (var i = 0; i < waiting.length; i++) waiting[i](window.L)
      }
      document.head.appendChild(script)
    }
    leafletWaiting.push(ready)
  }
})()
