import { Form } from "react-router";
import { limits } from "#app/lib/limits.ts";
import type { FieldErrors } from "#app/lib/validation.ts";
import { Field, FormAlert, TextArea } from "./field";
import { SubmitButton } from "./submit-button";

type PostFormProps = {
  values: { title: string; content: string };
  errors?: FieldErrors;
  formError?: string | null;
  /** Changes with every answer, remounting the inputs so they show the values that came back. */
  attempt?: string;
  /** Fields the page's action needs besides the text (the form's key, the revision it was opened on). */
  hidden?: Record<string, string | number>;
  submitLabel: string;
  pendingLabel: string;
};

/** The title-and-Markdown form shared by the new and edit pages. */
export function PostForm({ values, errors, formError, attempt, hidden = {}, submitLabel, pendingLabel }: PostFormProps) {
  return (
    <Form method="post">
      <FormAlert message={formError} fieldErrors={errors} />
      {Object.entries(hidden).map(([name, value]) => (
        <input key={`${name}-${attempt}-${value}`} type="hidden" name={name} defaultValue={String(value)} />
      ))}
      <Field
        key={`title-${attempt}`}
        label="Title"
        name="title"
        required
        maxLength={limits.titleMax}
        defaultValue={values.title}
        error={errors?.title}
      />
      <TextArea
        key={`content-${attempt}`}
        label="Content"
        name="content"
        rows={14}
        maxLength={limits.contentMax}
        defaultValue={values.content}
        hint="Markdown: **bold**, _italic_, [links](https://example.com), `code`."
        error={errors?.content}
      />
      <SubmitButton pendingLabel={pendingLabel}>{submitLabel}</SubmitButton>
    </Form>
  );
}
