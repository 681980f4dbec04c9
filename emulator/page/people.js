// The "You are" selector and the list of simulated phones: each tab is one phone, chosen by ?phone=.

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const PALETTE = ["#25d366", "#53bdeb", "#ff8a65", "#a791ff", "#f7b32b", "#e26aa6"];

export function renderPeople({ users, phone, inboundWebhookUrl }) {
  const select = document.getElementById("phone-select");
  const people = users.some((u) => u.phone === phone) ? users : [{ phone, name: phone }, ...users];
  select.replaceChildren();
  for (const user of people) {
    const option = element("option", "", user.name === user.phone ? user.phone : `${user.name} · ${user.phone}`);
    option.value = user.phone;
    option.selected = user.phone === phone;
    select.append(option);
  }
  select.addEventListener("change", () => {
    location.search = `?phone=${encodeURIComponent(select.value)}`;
  });

  const list = document.getElementById("people");
  list.replaceChildren();
  people.forEach((user, index) => {
    const li = element("li", user.phone === phone ? "current" : "");
    const link = element("a");
    link.href = `?phone=${encodeURIComponent(user.phone)}`;
    if (user.phone !== phone) link.target = "_blank";
    const avatar = element("div", "avatar", (user.name.replace(/^\+/, "")[0] || "?").toUpperCase());
    avatar.style.background = PALETTE[index % PALETTE.length];
    const who = element("div", "who");
    who.append(
      element("span", "hint", user.phone === phone ? "you" : "open in new tab"),
      element("div", "name", user.name),
      element("div", "number", user.phone),
    );
    link.append(avatar, who);
    li.append(link);
    list.append(li);
  });

  document.getElementById("about").replaceChildren(
    "Each tab is one phone: add ",
    element("code", "", "?phone=+1…"),
    " to the address to be someone else. Messages go to ",
    element("code", "", inboundWebhookUrl || "(no relay configured)"),
    ".",
  );
}
