-- VM_MODE=machines: the names of each user's Fly Machine and volume, recorded by the user's
-- object before it makes either (so neither is ever in FLY_APP before its owner is here), and
-- read by /vm and /vm sweep to tell what no user owns without asking every user's object.
-- Never forgotten: a name once claimed is spared by every sweep.
CREATE TABLE machine_owners (
  machine_name TEXT PRIMARY KEY,
  volume_name TEXT NOT NULL,
  -- The PhoneAgent's name (a phone, or tg-<user id>).
  user TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
) WITHOUT ROWID;
