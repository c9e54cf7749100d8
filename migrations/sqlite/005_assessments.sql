-- assessments: the candidate's newest code (saved on each execute and on
-- each chat turn that sends the editor contents), so a resumed session
-- gets it back (policy fix 8).  Additive only.
ALTER TABLE assessments ADD COLUMN latest_code TEXT;
