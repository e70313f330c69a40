// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  function csrfToken(form) {
    var field = (form || document).querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  // After a failed submit, move focus to the error summary so it is read out first.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-autofocus]");
    if (summary) {
      summary.focus();
    }
  }

  // Nested reply lists get a real button that hides and shows them.
  function setUpCollapsing() {
    document.querySelectorAll("ul.replies[data-hide-label]").forEach(function (list) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "collapse-toggle";
      button.setAttribute("aria-controls", list.id);
      button.setAttribute("aria-expanded", "true");
      button.textContent = list.dataset.hideLabel;
      button.addEventListener("click", function () {
        setExpanded(list, list.hidden);
      });
      list.parentNode.insertBefore(button, list);
    });
  }

  function setExpanded(list, expanded) {
    var button = document.querySelector('[aria-controls="' + list.id + '"]');
    list.hidden = !expanded;
    if (button) {
      button.setAttribute("aria-expanded", String(expanded));
      button.textContent = expanded ? list.dataset.hideLabel : list.dataset.showLabel;
    }
  }

  // A permalink opens any collapsed branch around its post and moves focus to it.
  function revealTarget() {
    if (!location.hash || location.hash.indexOf("#post-") !== 0) {
      return;
    }
    var target = document.getElementById(location.hash.slice(1));
    if (!target) {
      return;
    }
    for (var node = target.parentElement; node; node = node.parentElement) {
      if (node.matches && node.matches("ul.replies[hidden]")) {
        setExpanded(node, true);
      }
    }
    target.focus();
  }

  function newSubmissionId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  // "Reply" opens a reply form under the post instead of a new page.
  function setUpReplyInPlace() {
    var template = document.querySelector("form.js-reply-form");
    if (!template) {
      return;
    }
    document.querySelectorAll("a.reply-link").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var article = document.getElementById("post-" + link.dataset.postId);
        if (!article) {
          return;
        }
        event.preventDefault();
        var existing = article.querySelector("form.in-place");
        if (existing) {
          existing.querySelector("textarea").focus();
          return;
        }
        article.appendChild(buildInPlaceForm(template, link.dataset.postId, link));
        article.querySelector("form.in-place textarea").focus();
      });
    });
  }

  function buildInPlaceForm(template, postId, link) {
    var form = template.cloneNode(true);
    form.classList.add("in-place");
    form.action = template.dataset.actionTemplate.replace(/0\/reply$/, postId + "/reply");
    form.querySelector("input[name=submission_id]").value = newSubmissionId();
    form.querySelectorAll("[id]").forEach(function (element) {
      element.id = element.id + "-" + postId;
    });
    form.querySelectorAll("label[for]").forEach(function (label) {
      label.htmlFor = label.htmlFor + "-" + postId;
    });
    form.querySelectorAll("[aria-describedby]").forEach(function (element) {
      var ids = element.getAttribute("aria-describedby").split(" ").map(function (id) {
        return id + "-" + postId;
      });
      element.setAttribute("aria-describedby", ids.join(" "));
    });
    form.querySelector("textarea").value = "";
    var heading = document.createElement("p");
    heading.className = "in-place__heading";
    heading.textContent = template.dataset.inPlaceHeading;
    form.insertBefore(heading, form.firstChild);
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "button button--secondary";
    cancel.textContent = template.dataset.cancelLabel;
    cancel.addEventListener("click", function () {
      form.remove();
      link.focus();
    });
    form.appendChild(cancel);
    setUpPreview(form);
    return form;
  }

  // A Markdown preview, rendered by the same sanitiser that stores posts.
  function setUpPreview(scope) {
    scope.querySelectorAll(".preview").forEach(function (preview) {
      var form = preview.closest("form");
      var button = preview.querySelector(".js-preview");
      var output = preview.querySelector(".preview__output");
      button.addEventListener("click", function (event) {
        event.preventDefault(); // shown in place, not by sending the form
        var body = form.querySelector("textarea[name=body]").value;
        if (!body.trim()) {
          output.textContent = output.dataset.emptyLabel;
          return;
        }
        var data = new URLSearchParams();
        data.append("body", body);
        data.append("csrf_token", csrfToken(form));
        fetch(preview.dataset.previewUrl, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(form) },
        })
          .then(function (response) {
            // 422: the server's own message, saying the text cannot be shown.
            return response.ok || response.status === 422
              ? response.text()
              : Promise.reject(response.status);
          })
          .then(function (html) {
            output.innerHTML = html; // sanitised on the server, as every stored post is
          })
          .catch(function () {
            output.textContent = "";
          });
      });
    });
  }

  // "@Ai" in a message offers the members whose names start so, as buttons under the text
  // area: Down moves into them, Enter or a click writes the name, Escape goes back.
  function setUpMentionPicker() {
    var url = document.body.dataset.mentionUrl;
    if (!url) {
      return;
    }
    var word = "[\\p{L}\\p{N}_][\\p{L}\\p{N}_'\u2019.-]*";
    var typed = new RegExp("(?:^|[^\\p{L}\\p{N}_@])@(" + word + "(?: " + word + ")?)$", "u");
    document.addEventListener("input", function (event) {
      var area = event.target;
      if (!area.matches || !area.matches("textarea[name=body]")) {
        return;
      }
      var match = typed.exec(area.value.slice(0, area.selectionStart));
      var picker = pickerFor(area);
      if (!match || match[1].length < 2) {
        picker.hidden = true;
        return;
      }
      clearTimeout(picker.timer);
      picker.timer = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(match[1]), { credentials: "same-origin" })
          .then(function (response) {
            return response.ok ? response.json() : Promise.reject(response.status);
          })
          .then(function (found) {
            showNames(area, picker, found.names, match[1]);
          })
          .catch(function () {
            picker.hidden = true;
          });
      }, 200);
    });
  }

  function pickerFor(area) {
    var picker = area.nextElementSibling;
    if (picker && picker.classList.contains("mention-picker")) {
      return picker;
    }
    picker = document.createElement("div");
    picker.className = "mention-picker";
    picker.hidden = true;
    picker.setAttribute("role", "group");
    picker.setAttribute("aria-label", document.body.dataset.mentionLabel);
    area.insertAdjacentElement("afterend", picker);
    area.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && !picker.hidden && picker.firstChild) {
        event.preventDefault();
        picker.firstChild.focus();
      }
    });
    picker.addEventListener("keydown", function (event) {
      var current = document.activeElement;
      if (event.key === "ArrowDown" && current.nextElementSibling) {
        event.preventDefault();
        current.nextElementSibling.focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (current.previousElementSibling || area).focus();
      } else if (event.key === "Escape") {
        picker.hidden = true;
        area.focus();
      }
    });
    return picker;
  }

  function showNames(area, picker, names, fragment) {
    picker.textContent = "";
    names.forEach(function (name) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "mention-picker__name";
      button.textContent = "@" + name;
      button.addEventListener("click", function () {
        var end = area.selectionStart;
        var start = area.value.lastIndexOf("@" + fragment, end);
        area.value = area.value.slice(0, start) + "@" + name + " " + area.value.slice(end);
        picker.hidden = true;
        area.focus();
        area.selectionStart = area.selectionEnd = start + name.length + 2;
      });
      picker.appendChild(button);
    });
    picker.hidden = names.length === 0;
  }

  // While a member writes, the server's own personal-data check says early what it would say
  // when the form is sent: an identity code, a phone number or an address in the text.
  function setUpPersonalDataWarning() {
    var url = document.body.dataset.personalDataUrl;
    if (!url) {
      return;
    }
    document.addEventListener("input", function (event) {
      var field = event.target;
      if (!field.matches || !field.matches("textarea[name=body], input[name=title]")) {
        return;
      }
      var warning = warningFor(field);
      clearTimeout(warning.timer);
      warning.timer = setTimeout(function () {
        var form = field.closest("form");
        var data = new URLSearchParams();
        data.append("text", field.value);
        data.append("csrf_token", csrfToken(form));
        fetch(url, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(form) },
        })
          .then(function (response) {
            return response.ok ? response.json() : Promise.reject(response.status);
          })
          .then(function (found) {
            warning.textContent = found.warning;
            warning.hidden = !found.warning;
          })
          .catch(function () {
            warning.hidden = true;
          });
      }, 600);
    });
  }

  function warningFor(field) {
    if (field.personalDataWarning) {
      return field.personalDataWarning;
    }
    var warning = document.createElement("p");
    warning.className = "field__warning";
    warning.id = (field.id || field.name) + "-personal-data-" + Date.now();
    warning.setAttribute("role", "status");
    warning.hidden = true;
    field.insertAdjacentElement("afterend", warning);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + warning.id);
    field.personalDataWarning = warning;
    return warning;
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    setUpCollapsing();
    setUpReplyInPlace();
    setUpPreview(document);
    setUpMentionPicker();
    setUpPersonalDataWarning();
    revealTarget();
    window.addEventListener("hashchange", revealTarget);
  });
})();
