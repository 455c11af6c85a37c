// The compose box's live counter. It counts exactly as the server does
// (ChorusCore's PostText and TextParser): the text trimmed and in NFC, one
// per user-perceived character (grapheme cluster), every http(s) link 23.
// Over the limit the counter turns red and the post button is disabled; the
// server still checks every post.
(function () {
  "use strict";
  var form = document.getElementById("compose");
  if (!form) return;
  var max = Number(form.getAttribute("data-max")) || 140;
  var urlLength = Number(form.getAttribute("data-url-length")) || 23;
  var area = form.querySelector("textarea");
  var counter = document.getElementById("counter");
  var button = document.getElementById("post-button");
  var segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

  function characters(text) {
    if (segmenter) return Array.from(segmenter.segment(text), function (part) { return part.segment; });
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
    var end = start + scheme;
    while (end < cs.length && isURLCharacter(cs[end])) end++;
    while (end > start + scheme) {
      var last = cs[end - 1];
      if (".,:;!?'\"*".indexOf(last) >= 0) { end--; continue; }
      if (last === ")") {
        var body = cs.slice(start, end);
        var opened = body.filter(function (c) { return c === "("; }).length;
        var closed = body.filter(function (c) { return c === ")"; }).length;
        if (opened < closed) { end--; continue; }
      }
      break;
    }
    if (end <= start + scheme || !isWord(cs[start + scheme])) return 0;
    return end;
  }
  function count(raw) {
    var cs = characters(raw.trim().normalize("NFC"));
    var total = 0;
    for (var i = 0; i < cs.length;) {
      var end = linkEnd(cs, i);
      if (end) { total += urlLength; i = end; } else { total += 1; i += 1; }
    }
    return total;
  }
  function update() {
    var left = max - count(area.value);
    counter.textContent = String(left);
    var over = left < 0;
    counter.classList.toggle("over", over);
    area.setAttribute("aria-invalid", over ? "true" : "false");
    button.disabled = over;
  }
  area.addEventListener("input", update);
  update();
})();
