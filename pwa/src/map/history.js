// Undo and redo of this session's drawing. Every undo or redo is itself a normal op in the
// outbox, so it syncs like the drawing did:
//   undo of an element drawn   → a delete (a tombstone on the server)
//   redo of it                 → a create of a copy with a new id (a deleted record stays
//                                deleted on the server; it is never brought back)
//   undo of an erase           → a create of a copy; redo → its delete
//   undo of a move             → the old position saved again; redo → the new one
// An action names its elements by the id they were first made with (`key`); `alias` follows
// each key to the copy that stands for it now.
//
// `ops` does the saving: add(data) → new id or null, remove(id) → bool, move(id, x, y) → bool.

export class History {
  constructor(ops) {
    this.ops = ops;
    this.done = [];
    this.undone = [];
    this.alias = new Map();
  }

  // The id that stands for `key` now (a copy of a copy follows the chain).
  id(key) {
    let id = key;
    for (let i = 0; i < 10000 && this.alias.has(id); i++) id = this.alias.get(id);
    return id;
  }

  // A new action of the cadre's: it ends the redo line.
  record(action) {
    this.done.push(action);
    this.undone = [];
  }

  get canUndo() {
    return this.done.length > 0;
  }

  get canRedo() {
    return this.undone.length > 0;
  }

  async undo() {
    const a = this.done[this.done.length - 1];
    if (!a) return false;
    if (!(await this.run(a, true))) return false;
    this.done.pop();
    this.undone.push(a);
    return true;
  }

  async redo() {
    const a = this.undone[this.undone.length - 1];
    if (!a) return false;
    if (!(await this.run(a, false))) return false;
    this.undone.pop();
    this.done.push(a);
    return true;
  }

  // Undo (back = true) or redo one action; false when nothing could be done.
  async run(a, back) {
    const make = async (item) => {
      const id = await this.ops.add(item.data);
      if (id) this.alias.set(item.key, id);
      return !!id;
    };
    const drop = (item) => this.ops.remove(this.id(item.key));
    if (a.type === 'move') {
      const to = back ? a.from : a.to;
      return this.ops.move(this.id(a.key), to.x, to.y);
    }
    const items = a.items;
    const creating = (a.type === 'add') !== back; // redo an add, or undo an erase
    let any = false;
    for (const item of items) any = (await (creating ? make(item) : drop(item))) || any;
    return any;
  }
}
