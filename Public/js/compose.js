// The compose box's live counter. It counts exactly as the server does
// (ChorusCore's PostText and TextParser): the text trimmed and in NFC, one
// per user-perceived character (grapheme cluster), every http(s) link 23,
// and at most 4,096 bytes of UTF-8 in all (PostText.maxBytes). Over either
// limit the counter turns red and the post button is disabled; the server
// still checks every post.
(function () {
  "use strict";
  var form = document.getElementById("compose");
  if (!form) return;
  var max = Number(form.getAttribute("data-max")) || 140;
  var urlLength = Number(form.getAttribute("data-url-length")) || 23;
  var maxBytes = Number(form.getAttribute("data-max-bytes")) || 4096;
  var encoder = new TextEncoder();
  var area = form.querySelector("textarea");
  var counter = document.getElementById("counter");
  var button = document.getElementById("post-button");
  var segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

  // Grapheme segmentation slows down badly on very long strings; a text past
  // the byte cap is refused whatever it counts, so code points do there.
  function characters(text) {
    if (segmenter && text.length <= maxBytes) return Array.from(segmenter.segment(text), function (part) { return part.segment; });
    return Array.from(text);
  }
  function isWord(c) { return c !== undefined && /^[A-Za-z0-9_]$/.test(c); }
  function isURLCharacter(c) {
    return c.length === 1 && c.charCodeAt(0) < 128 && !/\s/.test(c) && '<>"`{}|\\^'.indexOf(c) < 0;
  }
  // The end of a link starting at `start`, or 0 (TextParser.link).
  function linkEnd(cs, start) {
    if (cs[start] !== "h" && cs[start] !== "H") return 0;
    if (start > 0 && isWord(cs[start - 1])) return 0;
    var head = cs.slice(start, start + 8).join("").toLowerCase();
    var scheme = head.indexOf("https://") === 0 ? 8 : head.indexOf("http://") === 0 ? 7 : 0;
    if (!scheme) return 0;
    // The host starts with a letter or digit; brackets are counted while
    // reading, so trimming costs one step per character (linear, as on the server).
    var host = start + scheme;
    if (!isWord(cs[host])) return 0;
    var end = host, opened = 0, closed = 0;
    while (end < cs.length && isURLCharacter(cs[end])) {
      if (cs[end] === "(") opened++; else if (cs[end] === ")") closed++;
      end++;
    }
    while (end > host) {
      var last = cs[end - 1];
      if (".,:;!?'\"*".indexOf(last) >= 0) { end--; }
      else if (last === ")" && opened < closed) { closed--; end--; }
      else break;
    }
    return end;
  }
  function bytes(text) {
    return encoder.encode(text).length;
  }
  function count(text) {
    var cs = characters(text);
    var total = 0;
    for (var i = 0; i < cs.length;) {
      var end = linkEnd(cs, i);
      if (end) { total += urlLength; i = end; } else { total += 1; i += 1; }
    }
    return total;
  }
  function update() {
    var text = area.value.trim().normalize("NFC");
    var left = max - count(text);
    counter.textContent = String(left);
    var over = left < 0 || bytes(text) > maxBytes;
    counter.classList.toggle("over", over);
    area.setAttribute("aria-invalid", over ? "true" : "false");
    button.disabled = over;
  }
  area.addEventListener("input", update);
  update();
})();
