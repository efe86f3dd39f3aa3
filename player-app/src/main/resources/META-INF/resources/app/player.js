/*
 * The NOTT page: lists the live streams, plays the chosen one muted with Clappr (hls.js inside),
 * passes the viewer's token on, and shows what the edge said about the last segment.
 *
 * Everything a viewer can meet (403 from a unit, no stream live, a stalled stream, an unreachable
 * API) is written on top of the player instead of leaving a black box.
 *
 * Query parameters: ?stream=NAME  ?token=T  ?api=BASE_URL  ?hls=BASE_URL (the last two default to
 * /app/config.json, whose defaults are the page's own origin: the edge).
 */
(function () {
  'use strict';

  var AUTO_LEVEL = -1;
  /*
   * hls.js live settings for the ingest's 1 s segments behind the edge's 1 s playlist cache:
   * hold 3 s behind the newest segment, speed up to 1.2x when further behind, and jump back to
   * that point when more than 7 s behind (after a long stall, or a tab that slept).
   * Why 3 s: a new segment reaches the player 0-1 s (the edge's cache) plus 0-1 s (the reload
   * interval, or 0.5 s more after a reload that found nothing new) after the origin lists it, so
   * two segments can arrive up to about 2.5 s apart. Held 2 s behind, the buffer (most likely) ran dry in such
   * a gap (LiveVideoIT on a quiet machine: 4 stalls of about 0.4 s in a minute); 3 s rides it out
   * for one more second of latency. The jump point (7 s) is where hls.js stops speeding up
   * (twice the target plus a segment): further, a player between the two would never catch up;
   * closer, it would jump more often, and every jump is itself a stall (the video seeks to a
   * point it has yet to load).
   * Auto picks no rendition larger than the player on screen (capLevelToPlayerSize): a 720p
   * picture in a 400-pixel player costs the viewer's CPU (software decoding) and bandwidth for
   * nothing. A rendition chosen in the quality menu is played whatever its size.
   */
  var LIVE = {
    liveSyncDuration: 3,
    liveMaxLatencyDuration: 7,
    maxLiveSyncPlaybackRate: 1.2,
    backBufferLength: 10,
    capLevelToPlayerSize: true
  };
  var STREAMS_PATH = '/api/v1/streams';
  var DEFAULTS = {
    defaultStream: 'colorbar',
    apiBaseUrl: '',
    hlsBaseUrl: '',
    stallTimeoutMs: 10000,
    streamsRefreshMs: 10000,
    retryIntervalMs: 5000,
    tokenCookie: 'superstition'
  };

  var params = new URLSearchParams(window.location.search);
  var byId = function (id) { return document.getElementById(id); };

  var state = {
    config: DEFAULTS,
    apiBase: window.location.origin,
    hlsBase: window.location.origin,
    streams: [],
    current: null,        // {name, url} being played
    player: null,
    generation: 0,        // callbacks of a destroyed player carry an older generation and are ignored
    token: '',
    message: null,        // kind of the message on screen, or null
    retryTimer: null,
    lastTime: -1,
    lastAdvanceAt: 0,
    everPlayed: false,
    wasLive: false,       // a playlist of this stream was live: #EXT-X-ENDLIST then means it ended
    levels: [],
    playingLevel: -1      // the level of the fragment on screen (hls.js FRAG_CHANGED)
  };

  // ---------------------------------------------------------------- URLs and the token

  function originOf(base) {
    return base ? new URL(base, window.location.href).origin : window.location.origin;
  }

  function withToken(url) {
    if (!state.token) return url;
    var u = new URL(url, window.location.href);
    u.searchParams.set('token', state.token);
    return u.toString();
  }

  /** A playlist URL the API gave, as a URL under the HLS base: viewers always go through the edge. */
  function playlistUrl(given, name) {
    var path = '/hls/' + encodeURIComponent(name) + '.m3u8';
    if (typeof given === 'string' && given.trim()) {
      var u = new URL(given.trim(), state.hlsBase + '/');
      path = u.pathname + u.search;
    }
    return state.hlsBase + path;
  }

  function readCookie(name) {
    var found = document.cookie.split(';').map(function (c) { return c.trim(); })
      .filter(function (c) { return c.indexOf(name + '=') === 0; })[0];
    return found ? decodeURIComponent(found.substring(name.length + 1)) : '';
  }

  function setToken(token) {
    state.token = token;
    var name = state.config.tokenCookie;
    // Same cookie the seed's unit sets after a good token, so requests through the edge carry it.
    if (token) {
      document.cookie = name + '=' + encodeURIComponent(token) + '; path=/; SameSite=Lax';
    } else {
      document.cookie = name + '=; path=/; max-age=0; SameSite=Lax';
    }
    byId('token').value = token;
  }

  // ---------------------------------------------------------------- messages on the player

  function showMessage(kind, text, withRetry) {
    var box = byId('message');
    state.message = kind;
    box.dataset.kind = kind;
    byId('message-text').textContent = text;
    byId('message-retry').hidden = !withRetry;
    box.hidden = false;
  }

  function hideMessage(kinds) {
    if (!state.message) return;
    if (kinds && kinds.indexOf(state.message) < 0) return;
    state.message = null;
    var box = byId('message');
    box.hidden = true;
    delete box.dataset.kind;
  }

  function seconds(ms) {
    return Math.round(ms / 1000) + ' s';
  }

  // ---------------------------------------------------------------- the stream list

  /** Accepts the shapes an API may reasonably answer: [..], {streams:[..]}, names or objects. */
  function normalizeStreams(body) {
    var list = Array.isArray(body) ? body
      : (body && (body.streams || body.items || body.data)) || [];
    if (!Array.isArray(list)) return [];
    return list.map(function (item) {
      if (typeof item === 'string') item = { name: item };
      if (!item || typeof item !== 'object') return null;
      var name = item.name || item.id || item.key || item.stream;
      if (!name) return null;
      var status = typeof (item.state || item.status) === 'string' ? (item.state || item.status) : '';
      if (item.live === false || item.active === false || status === 'offline' || status === 'ended') return null;
      // The ingest answers {name, state, urls: {master, rtmp}, renditions}; older or other APIs differ.
      var urls = item.urls && typeof item.urls === 'object' ? item.urls : {};
      var given = urls.master || urls.hls || item.masterPlaylistUrl || item.masterUrl || item.master_url
        || item.masterPlaylist || item.master || item.playlistUrl || item.playlist || item.url || item.hls || item.src;
      if (given && typeof given === 'object') given = given.href || given.url;
      return { name: String(name), url: playlistUrl(given, String(name)), state: status };
    }).filter(Boolean);
  }

  function loadStreams() {
    var url = withToken(state.apiBase + STREAMS_PATH);
    return fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' })
      .then(function (res) {
        if (!res.ok) {
          var err = new Error('HTTP ' + res.status);
          err.status = res.status;
          throw err;
        }
        return res.json();
      })
      .then(function (body) {
        state.streams = normalizeStreams(body);
        renderStreams();
        return true;
      })
      .catch(function (err) {
        if (state.player) {
          return false;  // keep playing what plays; the list is only needed to switch
        }
        if (err.status === 403 || err.status === 401) {
          showMessage('forbidden', 'Access denied (HTTP ' + err.status + '): the edge refused the stream list. '
            + 'A computing unit asks for a token: enter it under Token and press Use.', false);
        } else {
          showMessage('error', 'Cannot read the stream list at ' + state.apiBase + STREAMS_PATH + ' ('
            + (err.status ? 'HTTP ' + err.status : err.message) + '). Trying again every '
            + seconds(state.config.streamsRefreshMs) + '.', true);
        }
        return false;
      });
  }

  function renderStreams() {
    var ul = byId('streams');
    ul.textContent = '';
    state.streams.forEach(function (s) {
      var li = document.createElement('li');
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = s.name;
      if (s.state && s.state !== 'live') {
        // e.g. "starting" (no segment yet) or "stalled", as the ingest reports it
        var badge = document.createElement('span');
        badge.className = 'state';
        badge.textContent = s.state;
        b.appendChild(badge);
      }
      b.dataset.stream = s.name;
      b.setAttribute('aria-pressed', String(!!state.current && state.current.name === s.name));
      b.addEventListener('click', function () { play(s, false); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    byId('streams-empty').hidden = state.streams.length > 0;
  }

  function findStream(name) {
    return state.streams.filter(function (s) { return s.name === name; })[0];
  }

  /**
   * What to play: the one chosen last (a click beats the URL), else the one the URL asks for,
   * else the default, else the first live one.
   */
  function chooseStream() {
    if (state.current) return findStream(state.current.name) || state.current;
    var asked = params.get('stream');
    if (asked) return findStream(asked) || { name: asked, url: playlistUrl(null, asked) };
    return findStream(state.config.defaultStream) || state.streams[0] || null;
  }

  function refresh() {
    return loadStreams().then(function (listed) {
      if (state.player) return;
      var next = chooseStream();
      if (!next && !listed) next = { name: state.config.defaultStream, url: playlistUrl(null, state.config.defaultStream) };
      if (next) {
        play(next, true);
      } else if (listed) {
        showMessage('empty', 'No stream is live right now. Publish one over RTMP (./platform up starts the '
          + 'colorbar test stream); this page looks again every ' + seconds(state.config.streamsRefreshMs) + '.', false);
      }
    });
  }

  // ---------------------------------------------------------------- playing

  function destroyPlayer() {
    state.generation++;
    if (state.player) {
      try { state.player.destroy(); } catch (e) { /* a half-built player: nothing left to free */ }
    }
    state.player = null;
  }

  function play(stream, keepMessage) {
    clearTimeout(state.retryTimer);
    state.retryTimer = null;
    destroyPlayer();
    state.current = stream;
    if (!keepMessage) hideMessage();
    resetQuality();
    renderStreams();
    byId('now-playing').textContent = stream.name + ' · ' + stream.url;
    state.lastTime = -1;
    state.lastAdvanceAt = Date.now();
    state.everPlayed = false;
    state.wasLive = false;
    state.playingLevel = -1;
    if (typeof window.Clappr === 'undefined') {
      showMessage('error', 'The player library did not load (/app/vendor/clappr.min.js).', true);
      return;
    }
    var generation = state.generation;
    var current = function (fn) {
      return function () { if (generation === state.generation) fn.apply(this, arguments); };
    };
    state.player = new window.Clappr.Player({
      source: stream.url,
      mimeType: 'application/x-mpegURL',
      parentId: '#player',
      mute: true,
      autoPlay: true,
      width: '100%',
      height: '100%',
      disableErrorScreen: true,   // our message says what happened; Clappr's says "something went wrong"
      playback: {
        playInline: true,
        hlsjsConfig: {
          liveSyncDuration: LIVE.liveSyncDuration,
          liveMaxLatencyDuration: LIVE.liveMaxLatencyDuration,
          maxLiveSyncPlaybackRate: LIVE.maxLiveSyncPlaybackRate,
          backBufferLength: LIVE.backBufferLength,
          capLevelToPlayerSize: LIVE.capLevelToPlayerSize,
          // Every request (master, variants, segments) carries the token: relative URLs in a
          // playlist would otherwise drop the ?token= given on the master.
          xhrSetup: function (xhr, url) {
            if (state.token) xhr.open('GET', withToken(url), true);
          }
        }
      },
      hlsPlayback: {
        customListeners: [
          { eventName: 'hlsManifestParsed', callback: current(onManifestParsed) },
          { eventName: 'hlsFragChanged', callback: current(onFragChanged) },
          { eventName: 'hlsLevelUpdated', callback: current(onLevelUpdated) },
          { eventName: 'hlsFragLoaded', callback: current(onFragLoaded) },
          { eventName: 'hlsError', callback: current(onHlsError) }
        ]
      },
      events: { onError: current(onPlayerError), onReady: current(startMuted) }
    });
  }

  // ---------------------------------------------------------------- autoplay on phones

  /**
   * Browsers play by themselves only muted videos: Clappr's mute option sets the volume, but
   * phones (and Chromium's default policy) also need the element's muted flag before play().
   * Starts muted and shows an Unmute button; if the browser still refuses, says "tap to play".
   */
  function startMuted() {
    var video = document.querySelector('#player video');
    if (!video) return;
    video.muted = true;
    video.defaultMuted = true;
    video.setAttribute('muted', '');
    video.setAttribute('playsinline', '');
    showUnmute(true);
    var attempt = video.play();
    if (attempt && typeof attempt.catch === 'function') {
      attempt.catch(function (err) {
        if (err && err.name === 'NotAllowedError') {
          showMessage('tap', 'Your browser waits for a tap before it plays video: tap here to start.', false);
        }
      });
    }
  }

  function showUnmute(visible) {
    byId('unmute').hidden = !visible;
  }

  function unmute() {
    var video = document.querySelector('#player video');
    if (!video) return;
    video.muted = false;
    if (video.volume === 0) video.volume = 1;
    if (state.player && typeof state.player.unmute === 'function') state.player.unmute();
    showUnmute(false);
  }

  function tapToPlay() {
    if (state.message !== 'tap') return;
    hideMessage(['tap']);
    var video = document.querySelector('#player video');
    if (video) video.play();
  }

  // ---------------------------------------------------------------- the end of a stream

  /**
   * A live playlist that gets #EXT-X-ENDLIST: the publisher stopped. Say so, and look for the
   * stream to come back (a new publish is a new playlist that starts at the live edge).
   */
  function onLevelUpdated(event, data) {
    var details = data && data.details;
    if (!details) return;
    if (details.live) {
      // Never hides "ended": once a playlist ended, this hls.js instance is finished, yet a level
      // switch at the end of the buffer can still load another rendition that reads live (the
      // edge's cached copy, or a rendition whose #EXT-X-ENDLIST is a moment late). Hiding the
      // message then left a frozen picture with no message and no return (seen in CI under load).
      // The stream list decides when the stream is back (awaitReturn), and a fresh player plays it.
      state.wasLive = true;
      return;
    }
    if (state.wasLive && state.message !== 'ended') {
      var name = state.current ? state.current.name : 'stream';
      showMessage('ended', 'The stream has ended: "' + name + '" stopped broadcasting. '
        + 'It plays again here when it comes back (looking every ' + seconds(state.config.retryIntervalMs) + ').', false);
      awaitReturn();
    }
  }

  function awaitReturn() {
    clearTimeout(state.retryTimer);
    state.retryTimer = setTimeout(function () {
      state.retryTimer = null;
      if (state.message !== 'ended') return;
      loadStreams().then(function () {
        var back = state.current && findStream(state.current.name);
        if (back && back.state === 'live') {
          play(back, false);
        } else {
          awaitReturn();
        }
      });
    }, state.config.retryIntervalMs);
  }

  /** Reads the list again and (re)starts the stream to play, even the one playing. */
  function restart(keepMessage) {
    return loadStreams().then(function () {
      var next = chooseStream() || state.current;
      if (next) play(next, keepMessage);
    });
  }

  function scheduleRetry() {
    if (state.retryTimer) return;
    state.retryTimer = setTimeout(function () {
      state.retryTimer = null;
      restart(true);
    }, state.config.retryIntervalMs);
  }

  function onHlsError(event, data) {
    var code = data && data.response && data.response.code;
    var name = state.current ? state.current.name : 'stream';
    var every = seconds(state.config.retryIntervalMs);
    if (code === 403 || code === 401) {
      showMessage('forbidden', 'Access denied (HTTP ' + code + '): the edge refused "' + name + '". '
        + 'A computing unit asks for a token: enter it under Token and press Use.', true);
      if (data.fatal) scheduleRetry();
      return;
    }
    if (!data || !data.fatal) return;  // hls.js retries non-fatal errors itself
    if (data.type === 'networkError' && (code === 404 || code === 410)) {
      showMessage('offline', 'Stream "' + name + '" is not live (HTTP ' + code + ' for its playlist). '
        + 'Trying again every ' + every + '.', true);
    } else if (data.type === 'networkError') {
      showMessage('error', 'Cannot load stream "' + name + '": ' + data.details
        + (code ? ' (HTTP ' + code + ')' : ' (no answer)') + '. Trying again every ' + every + '.', true);
    } else {
      showMessage('error', 'Playback of "' + name + '" failed: ' + data.details + '. Trying again every ' + every + '.', true);
    }
    scheduleRetry();
  }

  function onPlayerError(error) {
    if (state.message) return;  // the hls.js handler already said it more precisely
    showMessage('error', 'Playback failed: ' + ((error && (error.description || error.code)) || 'unknown error') + '.', true);
    scheduleRetry();
  }

  // ---------------------------------------------------------------- the quality selector

  /** "720p"; with the bitrate only when another level has the same height, so labels stay distinct. */
  function levelLabel(level, all) {
    if (!level.height) return Math.round((level.bitrate || 0) / 1000) + ' kbps';
    var label = level.height + 'p';
    var twins = (all || state.levels).filter(function (other) { return other.height === level.height; });
    if (twins.length > 1 && level.bitrate) label += ' · ' + Math.round(level.bitrate / 1000) + ' kbps';
    return label;
  }

  function resetQuality() {
    state.levels = [];
    var select = byId('quality');
    select.textContent = '';
    select.appendChild(new Option('Auto', String(AUTO_LEVEL)));
    select.value = String(AUTO_LEVEL);
    select.disabled = true;
  }

  function onManifestParsed(event, data) {
    state.levels = (data && data.levels) || [];
    var select = byId('quality');
    select.textContent = '';
    select.appendChild(new Option('Auto', String(AUTO_LEVEL)));
    state.levels
      .map(function (level, index) { return { level: level, index: index }; })
      .sort(function (a, b) { return (b.level.height || 0) - (a.level.height || 0) || (b.level.bitrate || 0) - (a.level.bitrate || 0); })
      .forEach(function (entry) {
        var option = new Option(levelLabel(entry.level), String(entry.index));
        option.dataset.width = String(entry.level.width || '');
        select.appendChild(option);
      });
    select.value = String(AUTO_LEVEL);
    select.disabled = state.levels.length < 2;
  }

  /** Playback entered a fragment: its level is the one on screen, which Auto names. */
  function onFragChanged(event, data) {
    var index = data && data.frag ? data.frag.level : -1;
    if (index === state.playingLevel) return;
    state.playingLevel = index;
    var level = state.levels[index];
    var auto = byId('quality').options[0];
    auto.textContent = level ? 'Auto (' + levelLabel(level) + ')' : 'Auto';
    byId('quality').dataset.playing = level ? levelLabel(level) : '';
  }

  function onQualityChange() {
    var playback = state.player && state.player.core && state.player.core.activePlayback;
    if (!playback || playback.currentLevel === undefined) return;
    // Clappr's hls.js playback switches at once (hls.currentLevel); -1 gives the choice back to ABR.
    playback.currentLevel = Number(byId('quality').value);
  }

  // ---------------------------------------------------------------- the edge panel

  function responseHeaders(details) {
    var headers = [];
    if (details && typeof details.getAllResponseHeaders === 'function') {
      (details.getAllResponseHeaders() || '').trim().split(/[\r\n]+/).forEach(function (line) {
        var i = line.indexOf(':');
        if (i > 0) headers.push([line.substring(0, i).trim().toLowerCase(), line.substring(i + 1).trim()]);
      });
    } else if (details && details.headers && typeof details.headers.forEach === 'function') {
      details.headers.forEach(function (value, name) { headers.push([name.toLowerCase(), value]); });
    }
    return headers;
  }

  /** X-Cache-Status first, then the X-Metrics-* a unit adds, then any other X- header. */
  function headerRank(name) {
    if (name === 'x-cache-status') return 0;
    if (name.indexOf('x-metrics-') === 0) return 1;
    return 2;
  }

  function onFragLoaded(event, data) {
    var details = data && data.networkDetails;
    var frag = data && data.frag;
    var shown = responseHeaders(details)
      .filter(function (h) { return h[0].indexOf('x-') === 0; })
      .sort(function (a, b) { return headerRank(a[0]) - headerRank(b[0]) || (a[0] < b[0] ? -1 : 1); });
    var segment = frag ? (frag.relurl || frag.url || '') : '';
    byId('edge-segment').textContent = 'Last segment: ' + segment.split('?')[0]
      + (details && details.status ? ' · HTTP ' + details.status : '')
      + (shown.length ? '' : ' · no X- header visible (cross-origin answers need Access-Control-Expose-Headers)');
    var dl = byId('edge-headers');
    dl.textContent = '';
    shown.forEach(function (h) {
      var dt = document.createElement('dt');
      dt.textContent = h[0];
      var dd = document.createElement('dd');
      dd.textContent = h[1];
      dd.dataset.header = h[0];
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    // A segment came through: whatever blocked the stream before is over.
    hideMessage(['forbidden', 'offline', 'error', 'empty']);
  }

  // ---------------------------------------------------------------- how far behind live

  /**
   * "3.1 s behind live": the wall clock minus the time of the frame on screen, which hls.js knows
   * from the playlists' #EXT-X-PROGRAM-DATE-TIME (the time the transcoder wrote the frame, so the
   * capture and publish before it are not counted). Hidden when the stream has no such tag.
   */
  function showLatency() {
    var playback = state.player && state.player.core && state.player.core.activePlayback;
    var hls = playback && playback._hls;
    var date = hls && hls.playingDate;
    var box = byId('latency');
    var video = document.querySelector('#player video');
    // How far behind the newest segment it knows hls.js plays, and how fast it catches up: the
    // player's own share of the latency (the end-to-end test reads them; a tooltip shows them).
    box.dataset.behindEdge = hls && isFinite(hls.latency) ? hls.latency.toFixed(2) : '';
    box.dataset.rate = video ? video.playbackRate.toFixed(2) : '';
    if (!date || state.message) {
      box.hidden = true;
      return;
    }
    var behind = (Date.now() - date.getTime()) / 1000;
    box.dataset.seconds = behind.toFixed(2);
    box.textContent = behind.toFixed(1) + ' s behind live';
    box.title = box.dataset.behindEdge ? box.dataset.behindEdge + ' s behind the newest segment, playing at '
      + box.dataset.rate + 'x' : '';
    box.hidden = false;
  }

  // ---------------------------------------------------------------- the stall watchdog

  function watch() {
    showLatency();
    var video = document.querySelector('#player video');
    if (!state.player || !video) return;
    var now = Date.now();
    if (state.message && state.message !== 'stalled') {
      state.lastAdvanceAt = now;  // another message owns the screen; don't pile a stall on top
      return;
    }
    // Only forward movement counts: a fresh player starts at 0 and a live seek is not progress of its own.
    if (video.currentTime > 0 && video.currentTime > state.lastTime) {
      var advanced = state.lastTime >= 0;
      state.lastTime = video.currentTime;
      state.lastAdvanceAt = now;
      state.everPlayed = true;
      if (advanced) hideMessage(['stalled']);
      return;
    }
    if (video.paused && state.everPlayed) return;  // the viewer paused: not a stall
    if (now - state.lastAdvanceAt > state.config.stallTimeoutMs) {
      var name = state.current ? state.current.name : 'stream';
      showMessage('stalled', (state.everPlayed
        ? 'Stream "' + name + '" stalled: no new video for ' + seconds(now - state.lastAdvanceAt) + '. The broadcast may have stopped.'
        : 'Stream "' + name + '" does not start: no video after ' + seconds(now - state.lastAdvanceAt) + '.')
        + ' Trying again every ' + seconds(state.config.retryIntervalMs) + '.', true);
      scheduleRetry();
    }
  }

  // ---------------------------------------------------------------- start

  function start(config) {
    state.config = Object.assign({}, DEFAULTS, config || {});
    state.apiBase = originOf(params.get('api') || state.config.apiBaseUrl);
    state.hlsBase = originOf(params.get('hls') || state.config.hlsBaseUrl || state.apiBase);
    byId('token-cookie-name').textContent = state.config.tokenCookie;
    setToken(params.get('token') || readCookie(state.config.tokenCookie));

    byId('token-form').addEventListener('submit', function (e) {
      e.preventDefault();
      setToken(byId('token').value.trim());
      restart(false);
    });
    byId('token-clear').addEventListener('click', function () { setToken(''); });
    byId('message-retry').addEventListener('click', function () { restart(true); });
    byId('quality').addEventListener('change', onQualityChange);
    byId('unmute').addEventListener('click', unmute);
    byId('message').addEventListener('click', tapToPlay);

    setInterval(watch, 1000);
    setInterval(refresh, state.config.streamsRefreshMs);
    refresh();
  }

  function boot() {
    resetQuality();
    fetch('/app/config.json', { cache: 'no-store' })
      .then(function (res) { return res.ok ? res.json() : {}; })
      .catch(function () { return {}; })
      .then(start);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', boot);
  } else {
    boot();
  }
}());
