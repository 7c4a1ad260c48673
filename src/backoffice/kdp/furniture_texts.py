"""The words printed on the furniture pages, in the book's language: children are spoken
to as "tu" in French, adults as "vous". Printed text, not interface text, so it lives
here rather than in the gettext catalogs (like the copyright page's)."""

from __future__ import annotations

_CHILDREN = {
    "fr": {
        "belongs_heading": "Ce livre appartient à",
        "belongs_hint": "Écris ton prénom dans la banderole, puis colorie les étoiles !",
        "how_heading": "Comment utiliser ce livre",
        "tip_protect": "Glisse une feuille de papier épais sous la page que tu colories : "
                       "elle protège le dessin suivant.",
        "tip_test": "Essaie tes feutres et tes crayons sur la page « Teste tes couleurs » "
                    "avant de commencer.",
        "tip_single": "Chaque dessin est imprimé au recto seulement : si ton feutre traverse, "
                      "il ne tache qu'une page blanche.",
        "tip_double": "Les crayons de couleur sont parfaits pour ce livre : ils ne traversent "
                      "pas le papier.",
        "tip_light": "Commence par les couleurs claires, puis ajoute les plus foncées.",
        "tip_free": "Il n'y a pas de règles : invente tes propres couleurs et amuse-toi !",
        "test_heading": "Teste tes couleurs",
        "test_hint": "Fais un essai avec chaque feutre ou crayon, et écris sa couleur "
                     "sur la ligne.",
        "thanks_heading": "Merci !",
        "thanks_body": "Nous espérons que tu as pris plaisir à colorier ce livre et que tes "
                       "dessins sont magnifiques.",
        "thanks_review": "Si ce livre t'a plu, demande à un adulte de laisser un avis sincère "
                         "sur Amazon : cela aide beaucoup les petits éditeurs indépendants, "
                         "et d'autres enfants pourront le découvrir.",
        "thanks_signature": "À bientôt !",
    },
    "en": {
        "belongs_heading": "This book belongs to",
        "belongs_hint": "Write your name on the banner, then color the stars!",
        "how_heading": "How to use this book",
        "tip_protect": "Slide a sheet of thick paper under the page you are coloring: it "
                       "keeps the next picture clean.",
        "tip_test": "Try your markers and pencils on the \"Test your colors\" page before "
                    "you start.",
        "tip_single": "Every picture is printed on one side only: if your marker bleeds "
                      "through, it only marks a blank page.",
        "tip_double": "Colored pencils are perfect for this book: they never bleed through "
                      "the paper.",
        "tip_light": "Start with the light colors, then add the darker ones.",
        "tip_free": "There are no rules: invent your own colors and have fun!",
        "test_heading": "Test your colors",
        "test_hint": "Try each marker or pencil here, and write its color on the line.",
        "thanks_heading": "Thank you!",
        "thanks_body": "We hope you had fun coloring this book and that your pictures look "
                       "amazing.",
        "thanks_review": "If you enjoyed it, ask a grown-up to leave an honest review on "
                         "Amazon: it helps small independent publishers a lot, and other "
                         "children can discover it too.",
        "thanks_signature": "See you soon!",
    },
}

_ADULTS = {
    "fr": {
        "belongs_heading": "Ce livre appartient à",
        "belongs_hint": "Un livre à colorier à votre rythme, une page après l'autre.",
        "how_heading": "Avant de commencer",
        "tip_protect": "Glissez une feuille de papier épais sous la page que vous coloriez "
                       "pour protéger la suivante.",
        "tip_test": "Essayez vos crayons, feutres et pinceaux sur la page « Testez vos "
                    "couleurs » pour voir leur rendu sur ce papier.",
        "tip_single": "Chaque dessin est imprimé au recto seulement : les feutres à alcool "
                      "peuvent traverser sans abîmer le dessin suivant.",
        "tip_double": "Les crayons de couleur et les feutres à base d'eau conviennent le mieux "
                      "à ce papier imprimé recto verso.",
        "tip_light": "Travaillez des couleurs claires vers les plus foncées, et superposez les "
                     "couches pour créer des dégradés.",
        "tip_free": "Prenez votre temps : il n'y a pas de bonne ou de mauvaise façon de "
                    "colorier.",
        "test_heading": "Testez vos couleurs",
        "test_hint": "Un essai par crayon ou par feutre, avec son nom ou son numéro sur la "
                     "ligne : vous retrouverez vite vos teintes préférées.",
        "thanks_heading": "Merci",
        "thanks_body": "Merci d'avoir choisi ce livre. Nous espérons qu'il vous a offert de "
                       "beaux moments de détente.",
        "thanks_review": "Votre avis compte : si vous avez quelques instants, laissez un "
                         "commentaire sincère sur Amazon. Cela aide énormément les éditeurs "
                         "indépendants et permet à d'autres amateurs de coloriage de "
                         "découvrir ce livre.",
        "thanks_signature": "Avec toute notre gratitude,",
    },
    "en": {
        "belongs_heading": "This book belongs to",
        "belongs_hint": "A book to color at your own pace, one page at a time.",
        "how_heading": "Before you begin",
        "tip_protect": "Slide a sheet of thick paper under the page you are coloring to "
                       "protect the next one.",
        "tip_test": "Try your pencils, markers and brush pens on the \"Test your colors\" "
                    "page to see how they look on this paper.",
        "tip_single": "Every design is printed on one side only: alcohol markers can bleed "
                      "through without spoiling the next design.",
        "tip_double": "Colored pencils and water-based markers suit this double-sided paper "
                      "best.",
        "tip_light": "Work from light colors to darker ones, and layer them to build smooth "
                     "gradients.",
        "tip_free": "Take your time: there is no right or wrong way to color.",
        "test_heading": "Test your colors",
        "test_hint": "One swatch per pencil or marker, with its name or number on the line: "
                     "you will find your favorite shades in no time.",
        "thanks_heading": "Thank you",
        "thanks_body": "Thank you for choosing this book. We hope it gave you many relaxing "
                       "moments.",
        "thanks_review": "Your opinion matters: if you have a moment, please leave an honest "
                         "review on Amazon. It makes a real difference to independent "
                         "publishers and helps other coloring lovers find this book.",
        "thanks_signature": "With our gratitude,",
    },
}


def texts_for(lang: str, audience: str) -> dict[str, str]:
    table = _ADULTS if audience == "adults" else _CHILDREN
    return table.get(lang, table["en"])
