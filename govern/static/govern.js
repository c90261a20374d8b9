// The little behaviour pages have, kept out of the HTML so the Content-Security-Policy can
// forbid inline script:
// - a button marked data-print prints the page;
// - a form with data-confirm="question" is sent only when the user confirms the question;
// - a form or a link marked data-stay is sent with fetch instead of loading a page: the
//   answer (the page a POST redirects to, or the form's page again with its errors) replaces
//   <main>, the <details> the form was in stays open, and the focus goes to the first field
//   with an error, else the error or the message at the top, else what the form's or link's
//   #fragment names. The address follows the answer. Without the script the same forms post
//   and redirect as usual.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

(function () {
  var busy = false;

  function focusable(element) {
    if (!element.hasAttribute("tabindex") && !element.matches("a[href], button, input, select, textarea, summary")) {
      element.setAttribute("tabindex", "-1");
    }
    return element;
  }

  function focusIn(main, fragment) {
    var target =
      main.querySelector('[aria-invalid="true"]') ||
      main.querySelector('[role="alert"]') ||
      main.querySelector(':scope > [role="status"]') ||
      (fragment && document.getElementById(fragment)) ||
      main;
    focusable(target).focus();
  }

  function swapIn(response, html, openId, fragment, method) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var main = page.querySelector("main");
    if (!main) {
      window.location.assign(response.url);
      return;
    }
    document.querySelector("main").replaceWith(main);
    var footer = page.querySelector("footer.site");
    if (footer && document.querySelector("footer.site")) {
      document.querySelector("footer.site").replaceWith(footer);
    }
    document.title = page.title;
    var here = window.location.href.split("#")[0];
    if ((method === "GET" || response.redirected) && response.url !== here) {
      window.history.replaceState(null, "", response.url);
    }
    var details = openId && document.getElementById(openId);
    if (details && details.tagName === "DETAILS") {
      details.open = true;
    }
    focusIn(main, fragment);
  }

  function send(url, options, source, fallback) {
    var main = document.querySelector("main");
    var details = source.closest("details[id]");
    var fragment = new URL(url, window.location.href).hash.slice(1);
    busy = true;
    main.setAttribute("aria-busy", "true");
    window
      .fetch(url.split("#")[0], options)
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("text/html") !== 0) {
          // Not a page (a file, say): show it as the browser would, without sending again.
          var again = response.redirected || options.method === "GET";
          window.location.assign(again ? response.url : window.location.href);
          return;
        }
        return response.text().then(function (html) {
          swapIn(response, html, details && details.id, fragment, options.method);
        });
      })
      .catch(fallback)
      .then(function () {
        busy = false;
        main.removeAttribute("aria-busy");
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute("data-stay") || !window.fetch) {
      return;
    }
    event.preventDefault();
    if (busy) {
      return;
    }
    var data = new FormData(form);
    var submitter = event.submitter;
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    var method = (form.getAttribute("method") || "get").toUpperCase();
    var body = form.enctype === "multipart/form-data" ? data : new URLSearchParams(data);
    var fallback = function () {
      HTMLFormElement.prototype.submit.call(form);
    };
    if (method === "GET") {
      var url = new URL(form.action);
      url.search = body.toString();
      send(url.href, { method: "GET" }, form, fallback);
    } else {
      send(form.action, { method: method, body: body }, form, fallback);
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-stay]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || !window.fetch) {
      return;
    }
    event.preventDefault();
    if (!busy) {
      send(link.href, { method: "GET" }, link, function () {
        window.location.assign(link.href);
      });
    }
  });
})();
