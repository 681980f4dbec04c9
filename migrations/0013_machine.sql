-- The phone's Fly Machine and its volume (VM_MODE=machines): one row, written only by the
-- machine unit (src/objects/units/machine.ts). Names are fixed at the first use, so a rotated
-- relay secret never renames (and so never orphans) what the phone already has.
CREATE TABLE machine (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  machine_name TEXT NOT NULL,
  volume_name TEXT NOT NULL,
  volume_id TEXT,
  machine_id TEXT,
  region TEXT,
  -- What the relay last made it or saw it: none (no Machine), started, suspended, stopped, or
  -- unknown (a request through the proxy failed: look before trusting "started").
  state TEXT NOT NULL DEFAULT 'none' CHECK (state IN ('none', 'started', 'suspended', 'stopped', 'unknown')),
  -- A create under way, recorded before the call: after an eviction the next attempt lists the
  -- app's volumes or Machines and adopts the one with this phone's name instead of making another.
  intent TEXT CHECK (intent IN ('volume', 'machine')),
  -- What the Machine was configured with: its image, and the VM_TOKEN it accepts until its next
  -- start (a rotated relay VM_TOKEN reaches it then, never mid-run).
  image TEXT,
  vm_token TEXT,
  instance_id TEXT,
  -- Last request to the Machine; idleness counts from the later of this and the last run's end.
  used_at INTEGER,
  started_at INTEGER,
  cold_start_ms INTEGER,
  -- The Machine was destroyed after MACHINE_RETIRE_DAYS unused; its volume goes as many days later.
  retired_at INTEGER,
  -- An idle action, retirement or volume deletion the API refused: tried again then.
  retry_at INTEGER,
  failures INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  -- The workspace (volume) was lost behind the relay's back: the user is told once at the next use.
  volume_lost_at INTEGER,
  updated_at INTEGER NOT NULL
);
