// "Edit" and "Remove" (with a "Yes, remove" / "No" confirmation) on a card of a list.
import { useState } from "react";
import { useI18n } from "../i18n";

export function EditRemoveActions({ what, editing, onToggleEdit, onRemove, busy }: {
  what: string; editing: boolean; onToggleEdit: () => void; onRemove: () => void; busy: boolean;
}) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="actions">
      <button type="button" onClick={onToggleEdit} aria-expanded={editing}>{t("Editar", "Edit")}</button>
      {confirming ? (
        <span className="actions" role="group" aria-label={t(`Confirmar: quitar ${what}`, `Confirm removing ${what}`)}>
          <button type="button" className="danger" onClick={onRemove} disabled={busy}>{t("Sí, quitar", "Yes, remove")}</button>
          <button type="button" onClick={() => setConfirming(false)}>{t("No", "No")}</button>
        </span>
      ) : <button type="button" className="danger" onClick={() => setConfirming(true)}>{t("Quitar", "Remove")}</button>}
    </div>
  );
}
