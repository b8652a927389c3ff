import { request } from "../../api/client";
import { FreeSlotsDocument } from "../../generated/Booking";
import { isoDate, useI18n } from "../../i18n";
import { Empty, Loading, TextField, useQuery } from "../../ui/kit";

/** A date field and the doctor's free slots on that date, as a radio-like button group. */
export function SlotPicker(props: { doctorId: string; date: string; onDate: (d: string) => void; time: string | null; onTime: (t: string) => void }) {
  const { t } = useI18n();
  const slots = useQuery(() => request(FreeSlotsDocument, { doctorId: props.doctorId, date: props.date }), [props.doctorId, props.date]);
  return (
    <div>
      <TextField label={t("Fecha", "Date")} type="date" name="date" min={isoDate()} value={props.date} onChange={(e) => props.onDate(e.target.value)} />
      <fieldset className="slots">
        <legend>{t("Horarios libres", "Free times")}</legend>
        {slots.loading ? <Loading /> : slots.data && slots.data.availableSlots.length > 0 ? (
          <div className="slot-grid">
            {slots.data.availableSlots.map((s) => (
              <button type="button" key={s.time} className={"slot" + (props.time === s.time ? " selected" : "")} aria-pressed={props.time === s.time}
                onClick={() => props.onTime(s.time)}>{s.time}</button>
            ))}
          </div>
        ) : <Empty>{t("No hay horarios libres ese día. Prueba otra fecha.", "No free times that day. Try another date.")}</Empty>}
      </fieldset>
    </div>
  );
}

/** The next weekday (Mon–Fri) from tomorrow: a sensible first date to show. */
export function nextWorkday(): string {
  let d = isoDate(1);
  for (let i = 0; i < 7; i++) {
    const day = new Date(d + "T12:00:00").getDay();
    if (day !== 0 && day !== 6) return d;
    d = isoDate(1, d);
  }
  return d;
}
