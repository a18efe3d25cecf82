"""How far to trust each hazard type's effect and what the model leaves out:
the rank report shows it for the types it ranks. The same table is in
docs/reading.md ("Per hazard type"); tests/e2e/test_report.c keeps the two
equal."""

import re

# type -> (trust, what the model leaves out), as written in docs/reading.md
LIMITS = {
    'blocked_exit': (
        'high: geometry and routes are what the model does best',
        'signs or staff sending people elsewhere before they reach it (in the model they learn it at the door, or from someone turning back)'),
    'blocked_stair': (
        'high: geometry and routes are what the model does best',
        'signs or staff sending people elsewhere before they reach it (in the model they learn it at the door, or from someone turning back)'),
    'corridor_obstruction': (
        'medium: the width lost (half) is an assumption',
        'the stored goods do not hinder smoke, nor burn'),
    'fire_door_open': (
        "medium: the smoke goes where it should, but the default transport loses the corridor beyond an open door 1.8 times later than CFAST does in the same geometry, and people on the fire's side can fare better with the door open (a shut door makes a dead end that the smoke fills first, and nobody is led through the door on purpose; models.md)",
        'staff closing doors on their rounds (script it with the timeline)'),
    'fire_shutter_failed': (
        "medium: the smoke goes where it should, but the default transport loses the corridor beyond an open door 1.8 times later than CFAST does in the same geometry, and people on the fire's side can fare better with the door open (a shut door makes a dead end that the smoke fills first, and nobody is led through the door on purpose; models.md)",
        'staff closing doors on their rounds (script it with the timeline)'),
    'unsealed_shaft': (
        'medium: leak factors are stated assumptions',
        'smoke in ducts and voids outside the shaft'),
    'sprinkler_inoperative': (
        "medium: with sprinklers the heat release decays from the first head's activation (Evans' furniture tests, models.md)",
        'fuels the spray cannot reach (under beds, in cupboards), which sprinklers only control; partial failures'),
    'smoke_control_failed': (
        'low to medium: the exhaust draws layer gas however thin the layer and has no inlet positions, so what it does beyond a closed door is uncertain (models.md)',
        'detailed fan and damper behaviour'),
    'alarm_delayed': (
        'the *sign* is solid; the 300 s is an assumption, so the size scales with it',
        'calls from a ward that shorten the delay (whoever sees smoke does start at once, and raises the alarm)'),
    'hydrant_dry': (
        'low: the delays (300 s, 600 s) are assumptions and the attack is a switch, not firefighting',
        'what the brigade does inside the building'),
    'low_water_pressure': (
        'low: the delays (300 s, 600 s) are assumptions and the attack is a switch, not firefighting',
        'what the brigade does inside the building'),
    'fire_lane_blocked': (
        'low: the delays (300 s, 600 s) are assumptions and the attack is a switch, not firefighting',
        'what the brigade does inside the building'),
    'micro_station_unready': (
        'low: the delays (300 s, 600 s) are assumptions and the attack is a switch, not firefighting',
        'what the brigade does inside the building'),
    'combustible_insulation': (
        'low: the factor is an assumption',
        'flame spread on façades between floors'),
    'ebike_charging': (
        'medium for where a fire starts; the weights are assumptions',
        "the battery's toxic gases beyond the fuel's yields"),
    'electrical_overload': (
        'medium for where a fire starts; the weights are assumptions',
        "the battery's toxic gases beyond the fuel's yields"),
    'fire_lift_failed': (
        'high for the logistics as modelled; the lift timings are assumptions (hospital.md)',
        'a lift stopped by smoke or heat during the evacuation (script it: the timeline can close a lift)'),
    'window_grilles': (
        'medium: the rescue rate (one every 2 min) is an assumption',
        'rescue through other windows'),
    'emergency_lighting_failed': (
        "low: the effect is small and rests on one study's constants",
        'walking in darkness without smoke'),
}


def rows(types):
    """[type, trust, leaves out] for each distinct type in types, in order
    of first appearance; types the table lacks are skipped."""
    seen, out = set(), []
    for ty in types:
        if ty in LIMITS and ty not in seen:
            seen.add(ty)
            out.append([ty] + list(LIMITS[ty]))
    return out


def plain(s):
    """s without Markdown code marks and links."""
    return re.sub(r"\[([^]]*)\]\([^)]*\)", r"\1", s).replace("`", "")


def from_markdown(md):
    """The table of docs/reading.md's text md as LIMITS holds it."""
    i = md.index("| type | modelled as | trust | what the model leaves out |")
    table = {}
    for line in md[i:].split("\n")[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        for ty in re.findall(r"`([a-z_]+)`", cells[0]):
            table[ty] = (cells[2], cells[3])
    return table
