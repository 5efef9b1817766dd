// The offline page's list of memorials kept on this device (static/sw.js keeps them in the cache
// "nl-memorial-pages"), with their titles read from the kept pages.
;(function () {
  'use strict'
  var list = document.getElementById('offline-memorials')
  if (!list || !window.caches) return
  caches
    .open('nl-memorial-pages')
    .then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(
          requests.map(function (request) {
            return cache.match(request).then(function (response) {
              return response.text().then(function (html) {
                var title = new DOMParser().parseFromString(html, 'text/html').title
                return { href: new URL(request.url).pathname, title: title.replace(/ · Nine Lives$/, '') }
              })
            })
          }),
        )
      })
    })
    .then(function (pages) {
      if (pages.length === 0) return
      pages.forEach(function (page) {
        var item = document.createElement('li')
        var link = document.createElement('a')
        link.href = page.href
        link.textContent = page.title
        item.appendChild(link)
        list.appendChild(item)
      })
      list.hidden = false
      var heading = document.getElementById('offline-memorials-heading')
      if (heading) heading.hidden = false
    })
    .catch(function () {})
})()
