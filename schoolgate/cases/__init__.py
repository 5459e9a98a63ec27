"""Cases: the policy's procedure as a workflow with evidence, letters, deadlines and a chronology."""
