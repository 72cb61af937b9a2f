// Runs before Bootstrap Italia's bundle. The bundle includes video.js, which on load injects
// a <style> element of default player sizes; the Content-Security-Policy (style-src 'self',
// no 'unsafe-inline') blocks it and the browser reports a violation on every page. Regia
// shows no video: tell video.js not to inject it.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
