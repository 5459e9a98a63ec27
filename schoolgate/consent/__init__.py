"""Photo consent: the register of parents' answers per pupil and purpose, never-publish flags, biometric consent."""
