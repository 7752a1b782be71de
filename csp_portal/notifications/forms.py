from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from .kinds import Delivery


class DeliveryForm(forms.Form):
    """A radio group per kind of notification a person may choose for: at once, weekly or none."""

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        layout = []
        for choice in choices:
            if not choice.optional:
                continue
            self.fields[choice.kind] = forms.ChoiceField(
                label=choice.label,
                choices=Delivery.choices,
                initial=choice.delivery,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose how to hear that {choice.label[0].lower()}{choice.label[1:]}"},
            )
            layout.append(Field.radios(choice.kind, legend_size=Size.SMALL, small=True))
        self.helper.layout = Layout(*layout)
        self.helper.add_input(Submit("submit", "Save my choices"))
