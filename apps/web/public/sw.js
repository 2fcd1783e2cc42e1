/* global self, caches, fetch, Response, Headers, URL, importScripts, setTimeout */
try { importScripts('/sw-outbox.js') } catch { /* the IndexedDB outbox's worker code; not there (yet): reading offline works without it */ }

// The service worker (docs/web.md "Offline"). Pages stay server-rendered and work without it; it only keeps
// the person's own pages readable offline. The server decides what may be kept (header x-voces-offline:
// page | media) and under which session (x-voces-cache-key, never the session token); this file only obeys.
(function () {
  'use strict'
  var STATIC = 'voces-static-v1'
  var PRIVATE = 'voces-private-'
  // On a slow network a stored copy is shown after this long, and the page updates it when it arrives.
  // The server writes WEB_OFFLINE_DEADLINE_MS here (offline/routes.tsx).
  var NAV_TIMEOUT_MS = 4000
  // Reference media larger than this is not kept: phones here have little storage.
  var MAX_MEDIA_BYTES = 8 * 1024 * 1024
  var STORED_AT = 'x-voces-stored-at', LANG_ENTRY = '/__voces/lang'
  var LANGS = ['es', 'en'], lastLang = null
  // Sent to start or end a session: every private copy goes at once, and none is read before (the next page,
  // naming the session, may not come; Clear-Site-Data "cache" at logout leaves the Cache API alone).
  var SESSION_FORMS = ['/login', '/register', '/logout'], dropping = Promise.resolve()

  self.addEventListener('install', function (event) {
    self.skipWaiting()
    event.waitUntil(keepFallbacks())
  })

  self.addEventListener('activate', function (event) {
    event.waitUntil(caches.keys().then(function (names) {
      // Older versions of the static cache go; private caches are judged by the next page's key.
      return Promise.all(names.filter(function (n) {
        return n.indexOf('voces-static-') === 0 && n !== STATIC
      }).map(function (n) { return caches.delete(n) }))
    }).then(function () { return self.clients.claim() }))
  })

  self.addEventListener('fetch', function (event) {
    var req = event.request
    if (req.method === 'POST' && SESSION_FORMS.indexOf(new URL(req.url).pathname) >= 0) event.waitUntil(dropping = dropPrivate('').catch(function () {}))
    // POST answers are never kept: the browser sends them as it would without a worker.
    if (req.method !== 'GET') return
    var url = new URL(req.url)
    if (url.origin !== self.location.origin) return
    var path = url.pathname
    if (path.indexOf('/uploads') === 0 || path === '/sw.js' || path.indexOf('/sw-') === 0) return
    if (req.mode === 'navigate') return event.respondWith(navigate(event, url))
    if (path.indexOf('/static/') === 0 || path.indexOf('/audio/clips/') === 0) return event.respondWith(cacheFirst(event, url, false))
    // The sound of "not recorded yet" changes when the community records it: asked each time, kept for offline.
    if (path === '/audio/fallback') {
      return event.respondWith(fetch(req).then(function (res) {
        event.waitUntil(keepFile(url, res.clone(), false))
        return res
      }).catch(function () {
        return caches.open(STATIC).then(function (c) { return c.match(url.href) }).then(function (hit) { return hit || Response.error() })
      }))
    }
    if (path.indexOf('/media/') === 0) return event.respondWith(cacheFirst(event, url, true))
  })

  // ---- pages: network first, the stored copy after NAV_TIMEOUT_MS or when the network fails ----

  function navigate(event, url) {
    var key = pageKey(url)
    var learned = null
    var answer = fetch(event.request).then(function (res) {
      learned = learn(res, key)
      return res
    })
    // Whatever the page shows, the network's answer is still stored when it comes.
    event.waitUntil(answer.then(function () { return learned }).catch(function () {}))
    var late = new Promise(function (resolve) { setTimeout(resolve, NAV_TIMEOUT_MS, 'late') })
    return Promise.race([answer, late]).then(function (res) {
      if (res !== 'late') return res
      return storedCopy(key).then(function (copy) { return copy || answer })
    }).catch(function () {
      return storedCopy(key).then(function (copy) { return copy || fallback() })
    })
  }

  /** What a page's answer teaches: whose session this is, the language, and whether to keep it. */
  function learn(res, key) {
    var cacheKey = res.headers.get('x-voces-cache-key')
    var lang = res.headers.get('content-language')
    var work = []
    if (lang && LANGS.indexOf(lang) >= 0 && lang !== lastLang) {
      lastLang = lang
      work.push(caches.open(STATIC).then(function (c) { return c.put(LANG_ENTRY, new Response(lang)) }))
    }
    if (cacheKey === null) return Promise.all(work)
    // Cloned now, before the page reads the body.
    var keep = cacheKey && res.status === 200 && res.headers.get('x-voces-offline') === 'page' ? res.clone() : null
    // No session (logged out, expired): nothing private stays. Another session: only its own cache stays.
    work.push(dropPrivate(cacheKey).then(function () {
      if (!keep) return
      return caches.open(PRIVATE + cacheKey).then(function (c) {
        return stamped(keep).then(function (copy) { return c.put(key, copy.clone()).then(function () { return copy.text() }) })
      }).then(keepMediaOf)
    }))
    return Promise.all(work)
  }

  /** The files a kept page plays (a job's reference recording) are kept with it, if the server allows. */
  function keepMediaOf(html) {
    var urls = []
    html.replace(/data-offline-keep="(\/media\/[0-9a-f-]+)"/g, function (_m, src) { if (urls.indexOf(src) < 0) urls.push(src) })
    return Promise.all(urls.map(function (src) {
      var url = new URL(src, self.location.origin)
      return privateCacheName().then(function (name) {
        return name ? caches.open(name).then(function (c) { return c.match(url.href) }) : null
      }).then(function (hit) {
        if (hit) return
        return fetch(url.href, { credentials: 'same-origin' }).then(function (res) {
          if (Number(res.headers.get('content-length') || 0) > MAX_MEDIA_BYTES) return res.body && res.body.cancel()
          return keepFile(url, res, true)
        })
      }).catch(function () {})
    }))
  }

  function dropPrivate(keep) {
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) {
        return n.indexOf(PRIVATE) === 0 && n !== PRIVATE + keep
      }).map(function (n) { return caches.delete(n) }))
    })
  }

  function privateCacheName() {
    return dropping.then(function () { return caches.keys() }).then(function (names) {
      return names.filter(function (n) { return n.indexOf(PRIVATE) === 0 })[0] || null
    })
  }

  /** One stored copy per page: the `?ok=` notice of a redirect is not part of it. */
  function pageKey(url) {
    var u = new URL(url.href)
    u.searchParams.delete('ok')
    u.hash = ''
    return u.href
  }

  function storedCopy(key) {
    return privateCacheName().then(function (name) {
      if (!name) return null
      return caches.open(name).then(function (c) { return c.match(key) }).then(function (hit) {
        return hit ? withBanner(hit) : null
      })
    })
  }

  /** The stored page, with its hidden banner shown and saying when the copy was made, in the page's words. */
  function withBanner(res) {
    return res.text().then(function (html) {
      var storedAt = Number(res.headers.get(STORED_AT)) || Date.now()
      var lang = (/data-offline-lang="([a-z]+)"/.exec(html) || [])[1] || 'es'
      var tz = (/data-offline-tz="([^"]+)"/.exec(html) || [])[1]
      var when = age(storedAt, Date.now(), lang, tz)
      html = html
        .replace(/(<div id="offline-banner"[^>]*?) hidden/, '$1')
        .split('%TIME%').join(escapeHtml(when.time))
        .split('%AGO%').join(escapeHtml(when.ago))
      return new Response(html, { status: 200, headers: res.headers })
    })
  }

  function age(then, now, lang, tz) {
    var locale = lang === 'en' ? 'en-US' : 'es-MX'
    var opts = { hour: 'numeric', minute: '2-digit' }
    if (now - then > 20 * 3600e3) { opts.day = 'numeric'; opts.month = 'short' }
    var time
    try { time = new Intl.DateTimeFormat(locale, Object.assign({ timeZone: tz }, opts)).format(then) } catch {
      time = new Intl.DateTimeFormat(locale, opts).format(then)
    }
    var minutes = Math.round((then - now) / 60000)
    var rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })
    var ago = minutes === 0 ? rtf.format(0, 'second')
      : Math.abs(minutes) < 60 ? rtf.format(minutes, 'minute')
      : Math.abs(minutes) < 48 * 60 ? rtf.format(Math.round(minutes / 60), 'hour')
        : rtf.format(Math.round(minutes / 1440), 'day')
    return { time: time, ago: ago }
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c] })
  }

  /** For a page never stored: "you are offline; this page was not saved", in the person's last language. */
  function fallback() {
    return caches.open(STATIC).then(function (c) {
      return c.match(LANG_ENTRY).then(function (l) { return l ? l.text() : lastLang || 'es' }).then(function (lang) {
        return c.match('/offline?lang=' + lang)
      })
    }).then(function (page) {
      return page || new Response(
        '<!doctype html><html lang="es"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">' +
        '<title>Sin conexión · Offline</title><main><h1>Sin conexión</h1><p>Esta página no se guardó en este teléfono.</p>' +
        '<p lang="en">You are offline; this page was not saved on this phone.</p><p><a href="/">Inicio · Home</a></p></main></html>',
        { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } })
    })
  }

  /** The offline page in both languages, with the styles and script it names (so its speakers work offline). */
  function keepFallbacks() {
    return caches.open(STATIC).then(function (c) {
      return Promise.all(LANGS.map(function (lang) {
        var path = '/offline?lang=' + lang
        return fetch(path, { credentials: 'omit' }).then(function (res) {
          if (!res.ok) return
          return res.clone().text().then(function (html) {
            var assets = []
            html.replace(/(?:href|src)="(\/static\/[^"]+)"/g, function (_m, src) { assets.push(src.replace(/&amp;/g, '&')) })
            return Promise.all([c.put(path, res)].concat(assets.map(function (src) {
              return c.match(src).then(function (hit) { return hit || c.add(src) })
            })))
          })
        })
      }))
    }).catch(function () { /* offline at install: the built-in fallback answers */ })
  }

  // ---- files: cache first (static files, published clips, reference media of the person's jobs) ----

  function cacheFirst(event, url, isPrivate) {
    var req = event.request
    var range = req.headers.get('range')
    var named = isPrivate ? privateCacheName() : Promise.resolve(STATIC)
    return named.then(function (name) {
      return name ? caches.open(name).then(function (c) { return c.match(url.href) }) : null
    }).then(function (hit) {
      if (hit) return range ? slice(hit, range) : hit
      return fetch(req).then(function (res) {
        if (res.status === 200 && !range) event.waitUntil(keepFile(url, res.clone(), isPrivate))
        // A player asks for byte ranges: the whole file is fetched once, in the background, to be kept.
        else if (res.status === 206 && wholeSize(res) <= MAX_MEDIA_BYTES && keepable(res, isPrivate)) {
          event.waitUntil(fetch(url.href, { credentials: 'same-origin' }).then(function (whole) {
            return whole.status === 200 ? keepFile(url, whole, isPrivate) : null
          }).catch(function () {}))
        }
        return res
      })
    })
  }

  function keepable(res, isPrivate) {
    if (res.type !== 'basic' || res.redirected) return false
    if (isPrivate) return res.headers.get('x-voces-offline') === 'media' && !!res.headers.get('x-voces-cache-key')
    return !/no-store|private/.test(res.headers.get('cache-control') || '')
  }

  function keepFile(url, res, isPrivate) {
    if (res.status !== 200 || !keepable(res, isPrivate)) return Promise.resolve()
    var name = isPrivate ? PRIVATE + res.headers.get('x-voces-cache-key') : STATIC
    var drop = isPrivate ? dropPrivate(res.headers.get('x-voces-cache-key')) : Promise.resolve()
    return drop.then(function () { return caches.open(name) }).then(function (c) {
      return stamped(res).then(function (copy) { return c.put(url.href, copy) }).then(function () {
        // A new ?v= of a static file replaces the old one.
        if (isPrivate || !url.search) return
        return c.keys().then(function (keys) {
          return Promise.all(keys.filter(function (k) {
            var u = new URL(k.url)
            return u.pathname === url.pathname && u.search !== url.search && u.pathname !== '/offline'
          }).map(function (k) { return c.delete(k) }))
        })
      })
    })
  }

  function wholeSize(res) {
    var m = /\/(\d+)$/.exec(res.headers.get('content-range') || '')
    return m ? Number(m[1]) : Infinity
  }

  /** A copy to keep: its bytes (already decoded), when it was stored, and no transfer headers. */
  function stamped(res) {
    return res.blob().then(function (body) {
      var headers = new Headers(res.headers)
      headers.delete('content-encoding')
      headers.delete('content-length')
      headers.set(STORED_AT, String(Date.now()))
      return new Response(body, { status: res.status, statusText: res.statusText, headers: headers })
    })
  }

  /** One byte range of a kept file, as the server would answer it (players seek with ranges). */
  function slice(res, range) {
    return res.blob().then(function (body) {
      var m = /^bytes=(\d*)-(\d*)$/.exec(range.trim())
      var size = body.size
      var start = m && m[1] !== '' ? Number(m[1]) : m && m[2] !== '' ? Math.max(0, size - Number(m[2])) : NaN
      var end = m && m[1] !== '' && m[2] !== '' ? Math.min(Number(m[2]), size - 1) : size - 1
      if (!m || !(start <= end) || start >= size) {
        return new Response(null, { status: 416, headers: { 'content-range': 'bytes */' + size } })
      }
      var headers = new Headers(res.headers)
      headers.set('content-range', 'bytes ' + start + '-' + end + '/' + size)
      headers.set('content-length', String(end - start + 1))
      headers.set('accept-ranges', 'bytes')
      return new Response(body.slice(start, end + 1), { status: 206, headers: headers })
    })
  }
})()
