"""Schools, their people (staff, governors, parents/carers, pupils), roles and the roster."""
