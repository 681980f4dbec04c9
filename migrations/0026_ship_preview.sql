-- /ship's question keeps the preview the user is asked about (repository, branch, head commit and
-- tree, as JSON): a yes ships only that, and the VM refuses a ship whose state moved since.
ALTER TABLE ship_question ADD COLUMN preview TEXT;
