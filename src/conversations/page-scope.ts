// Which of the phone's conversations a private page shows. Stated here, with the conversations it
// names, since three capabilities above speak of it: web/ signs a link to one (web-token.ts) and
// draws it, changes/ takes a review from it, and a command asks for one. Types only.

/** `conversation`: one of the phone's conversations; `all`: every one; `dashboard`: the operator's page (an admin's link). */
export type PageScope = { kind: "conversation"; conversationId: number } | { kind: "all" } | { kind: "dashboard" };
