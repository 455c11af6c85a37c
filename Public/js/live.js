// Live updates of the home page: new posts of the home timeline arrive as
// server-rendered cards over server-sent events (`/live`) and go to the top
// of the feed; deleted posts leave it. Without JavaScript the page simply
// shows the posts of its last load.
(function () {
  "use strict";
  var feed = document.getElementById("feed");
  if (!feed || !feed.getAttribute("data-live") || typeof EventSource === "undefined") return;
  var heading = document.getElementById("feed-heading");
  var source = new EventSource(feed.getAttribute("data-live"));
  // Connected (the server subscribed before answering): new posts arrive from now on.
  source.addEventListener("open", function () { feed.setAttribute("data-live-state", "open"); });
  source.addEventListener("status", function (event) {
    var template = document.createElement("template");
    template.innerHTML = event.data.trim();
    var card = template.content.firstElementChild;
    if (!card || document.getElementById(card.id)) return;
    var empty = feed.querySelector(".empty");
    if (empty) empty.remove();
    var first = feed.querySelector("article.status");
    if (first) { feed.insertBefore(card, first); } else { feed.insertBefore(card, heading.nextSibling); }
  });
  source.addEventListener("delete", function (event) {
    var card = document.getElementById("status-" + event.data);
    if (card) card.remove();
  });
})();
